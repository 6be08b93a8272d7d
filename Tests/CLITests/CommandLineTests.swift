import Testing
import Foundation
import TestSupport

@Suite struct CommandLineTests {
    @Test func noArgumentsPrintsUsage() throws {
        let result = try runSweep([])
        #expect(result.status == 0)
        #expect(result.stdout.contains("usage: sweep <command>"))
    }

    @Test func unknownCommandIsBadInput() throws {
        let result = try runSweep(["frobnicate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown command \"frobnicate\""))
    }
}
