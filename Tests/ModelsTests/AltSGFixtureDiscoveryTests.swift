// The altsg fixture folder must be there and hold every kind of case: a missing or emptied folder fails
// here instead of passing with zero parameterized cases.
import Foundation
import Testing
import TestSupport

@Suite struct AltSGFixtureDiscoveryTests {
    @Test func everyKindIsPresent() throws {
        let folder = Fixtures.folder(AltSGFixtureCase.family).path
        #expect(FileManager.default.fileExists(atPath: folder), "missing fixture folder \(folder)")
        let kinds = Set(try Fixtures.names(AltSGFixtureCase.family).map { try AltSGFixtureCase($0).model })
        for kind in ["qrnn_layer_w1", "qrnn_layer_w2", "qrnn_lm", "qrnn_lm_artar", "qrnn_lm_dni", "altsg_schedule"] {
            #expect(kinds.contains(kind), "no \(kind) case in \(folder)")
        }
        let known: Set = ["qrnn_layer_w1", "qrnn_layer_w2", "qrnn_lm", "qrnn_lm_artar", "qrnn_lm_dni", "altsg_schedule"]
        #expect(kinds.isSubset(of: known), "unknown fixture kinds \(kinds.subtracting(known).sorted()) in \(folder)")
    }
}
