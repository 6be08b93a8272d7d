// The ownership rule through the real registry, as a user meets it: a key of the chosen dataset that an
// optimizer also declares, the power-law regimes' Jacobi schedule, and the ids of the shipped grids.
import Foundation
import Testing
import SweepCore
import TestSupport

@Suite struct KeyOwnershipTests {
    /// The power-law study's target exponent, with plain SGD: only the dataset declares `kappa`.
    static let powerLawKappa = """
    {"name": "kappa", "fixed": {"dataset": "synthetic_powerlaw", "model": "spectral_diagonal", "N": 64, "steps": 20,
     "optimizer": "sgd", "lr": 0.5, "batch_size": 8}, "grid": {"kappa": [0.5, 2.0]}, "seed": [0]}
    """

    @Test func aDatasetKeyThatAnOptimizerAlsoNamesValidatesAndRuns() throws {
        let folder = try TemporaryFolder("kappa")
        let path = try folder.write("kappa.json", Self.powerLawKappa)
        #expect(try runSweep(["validate", path]).status == 0)
        let run = try runSweep(["run", path, "--results", folder.path])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try SweepResults(folder.path + "/kappa").finalRecords
        #expect(records.count == 2)
        // Different targets give different curves: the key reached the problem.
        let losses = records.values.map { ($0[0]["metrics"] as? [String: Any])?["train_loss"] as? Double }
        #expect(Set(losses.compactMap { $0 }).count == 2)
    }

    @Test func theJacobiScheduleValidatesAndRuns() throws {
        let folder = try TemporaryFolder("jacobi")
        let path = try folder.write("jacobi.json", """
        {"name": "jacobi", "fixed": {"dataset": "synthetic_powerlaw", "model": "linearized", "N": 64, "steps": 20,
         "optimizer": "sgd", "lr": 0.5, "batch_size": 8, "schedule": "jacobi"}, "grid": {"a": [0.5, 1], "b": 2}, "seed": [0]}
        """)
        #expect(try runSweep(["validate", path]).status == 0)
        let run = try runSweep(["run", path, "--results", folder.path])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try SweepResults(folder.path + "/jacobi").finalRecords
        #expect(records.count == 2 && records.values.allSatisfy { $0[0]["status"] as? String == "ok" })
        // The Jacobi schedule belongs to the regimes; an epoch-trained model is refused it.
        let wrong = try folder.write("wrong.json", """
        {"fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "schedule": "jacobi", "a": 1}}
        """)
        let refused = try runSweep(["validate", wrong])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("the jacobi schedule steps the power-law regimes"), "\(refused.stderr)")
    }

    @Test func aKeyOfTwoChosenComponentsIsRefusedWithBothQualifiedNames() throws {
        let folder = try TemporaryFolder("ambiguous")
        let path = try folder.write("ambiguous.json", Self.powerLawKappa.replacingOccurrences(of: "\"sgd\"", with: "\"sgd_c\""))
        let result = try runSweep(["validate", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(#""kappa" is a key of optimizer sgd_c and dataset synthetic_powerlaw"#), "\(result.stderr)")
        #expect(result.stderr.contains(#"say whose it is: "optimizer.kappa" or "dataset.kappa""#), "\(result.stderr)")
        // Qualified, both are accepted as keys; what remains is the regimes' own rule on the optimizer.
        let qualified = try folder.write("qualified.json", Self.powerLawKappa
            .replacingOccurrences(of: "\"sgd\"", with: "\"sgd_c\", \"optimizer.kappa\": 2")
            .replacingOccurrences(of: "\"kappa\": [", with: "\"dataset.kappa\": ["))
        let second = try runSweep(["validate", qualified])
        #expect(!second.stderr.contains("kappa"), "\(second.stderr)")
        #expect(second.stderr.contains("the power-law regime spectral_diagonal runs sgd, not sgd_c"), "\(second.stderr)")
        // With sgd, a qualified dataset.kappa runs like the unqualified key.
        let plain = try folder.write("plain.json", Self.powerLawKappa.replacingOccurrences(of: "\"kappa\": [", with: "\"dataset.kappa\": ["))
        #expect(try runSweep(["validate", plain]).status == 0)
    }

    /// SHA-256 over every configuration id of each shipped grid, one per line, in index order: recorded
    /// from the build before configuration keys had owners. A change here would orphan existing results.
    static let idDigests = [
        "cifar": "55e991b8d34ada4586206b78cf9adf55a4da4341a63e04ff5be455e818939160",
        "mnist": "a06148c22ec199c6a6442fa66146ae19c139a602c1e87ca51e0e2f55f089cd70",
        "powerlaw": "f687779962c3408b4b6b4ce64f9f5f00d6d14061f2bc7f0264a04d912276a610",
        "ptb": "0778c37ce8f3d44a4f02e90c1fa7436fdcf4b8a2561346061b759f3e6e471b90",
        "smoke": "54c57edf41282103984fae49a43ddb2751e2b5bd0af68790a524064a2be874c3",
    ]

    @Test(arguments: idDigests.keys.sorted())
    func theIdsOfShippedGridsDoNotChange(_ name: String) throws {
        let lines = try runSweep(["expand", "grids/\(name).json", "--format", "jsonl"]).stdout.split(separator: "\n")
        var ids = ""
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            ids += try #require(object["id"] as? String) + "\n"
        }
        #expect(SHA256.hex(Array(ids.utf8)) == Self.idDigests[name])
    }

    @Test func keysListsEveryOwnersKeysWithDefaults() throws {
        let all = try runSweep(["keys"])
        #expect(all.status == 0)
        for heading in ["run:", "optimizer sgd_c:", "schedule constant (the default):", "schedule jacobi:", "model lstm:",
                        "dataset synthetic_powerlaw:"] {
            #expect(all.stdout.contains(heading), "\(heading) missing")
        }
        let one = try runSweep(["keys", "optimizer", "sgd_c"])
        #expect(one.stdout.hasPrefix("optimizer sgd_c:"))
        #expect(one.stdout.contains("  topC           an integer ≥ 1; default 10."))
        #expect(one.stdout.contains("  sampling: refused,"))
        let wrong = try runSweep(["keys", "optimiser"])
        #expect(wrong.status == 2 && wrong.stderr.contains("unknown owner \"optimiser\""))
    }
}
