import Testing
import Optim

@Suite struct AdmissionCountsTests {
    @Test func shareIsUndefinedUntilTheBufferDecides() {
        #expect(AdmissionCounts().admittedShare == nil)
        #expect(AdmissionCounts(admitted: 3, rejected: 1).admittedShare == 0.75)
    }
}
