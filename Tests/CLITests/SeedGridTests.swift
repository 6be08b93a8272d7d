import Testing
import Foundation
import TestSupport

/// The shipped grids, read through the real registry as a user's `sweep` reads them.
@Suite struct SeedGridTests {
    static let grids = ["aggmo-ae", "aggmo-ae-full", "altsg-ptb", "altsg-small", "altsg-wt2", "cgo-fashion", "cgo-fashion-full", "cifar",
                        "mnist", "multiwoz", "multiwoz-cpu", "multiwoz-roberta", "plo-phase", "plo-phase-full", "powerlaw", "ptb",
                        "smoke", "snli", "snli-cpu", "transformer-synthetic"]

    @Test(arguments: grids)
    func everyShippedGridValidates(_ name: String) throws {
        let result = try runSweep(["validate", "grids/\(name).json"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func theShippedGridsAreTheOnesTested() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("grids"))
        #expect(files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted() == Self.grids)
    }

    /// The MNIST study's 450 configurations in the study's own order: topC varies fastest, then decay,
    /// lr, seed and model (seeds.md §1.11).
    @Test func mnistIndexMapMatchesTheStudy() throws {
        let result = try runSweep(["expand", "grids/mnist.json", "--format", "jsonl"])
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 450)
        let topC = [5, 10, 20], decay = [0.7, 0.9, 0.99], lr = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5]
        let seed = [100, 101, 102, 103, 104], model = ["logreg", "fc"]
        for (i, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let config = try #require(object["config"] as? [String: Any])
            #expect(object["index"] as? Int == i)
            #expect(config["topC"] as? Int == topC[i % 3])
            #expect(config["decay"] as? Double == decay[i / 3 % 3])
            #expect(config["lr"] as? Double == lr[i / 9 % 5])
            #expect(config["seed"] as? Int == seed[i / 45 % 5])
            #expect(config["model"] as? String == model[i / 225])
            #expect(config["optimizer"] as? String == "sgd_c" && config["aggr"] as? String == "sum")
        }
    }

    /// The CIFAR study's 1,350: momentum fastest, then topC, decay, lr, dataset, seed (seeds.md §1.12).
    @Test func cifarIndexMapMatchesTheStudy() throws {
        let lines = try runSweep(["expand", "grids/cifar.json", "--format", "jsonl"]).stdout.split(separator: "\n")
        try #require(lines.count == 1350)
        for i in [0, 1, 2, 3, 9, 27, 134, 135, 269, 270, 1349] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[i].utf8)) as? [String: Any])
            let config = try #require(object["config"] as? [String: Any])
            #expect(config["momentum"] as? Double == [0.9, 0.99, 0.999][i % 3])
            #expect(config["topC"] as? Int == [5, 10, 20][i / 3 % 3])
            #expect(config["decay"] as? Double == [0.7, 0.9, 0.99][i / 9 % 3])
            #expect(config["lr"] as? Double == [1e-1, 1e-2, 1e-3, 1e-4, 1e-5][i / 27 % 5])
            #expect(config["dataset"] as? String == ["cifar10", "cifar100"][i / 135 % 2])
            #expect(config["seed"] as? Int == [100, 101, 102, 103, 104][i / 270])
        }
    }

    /// The errors of SPEC §1 that need the project's names, as `sweep validate` prints them.
    @Test func namesAndValuesAreCheckedAgainstTheRegistry() throws {
        let folder = try TemporaryFolder("names")
        let path = try folder.write("bad.json", """
            {"fixed": {"dataset": "mnsit", "epochs": 2},
             "grid": [{"model": "convnett", "optimizer": "sgd_c", "lr": [-0.1], "topC": [0], "decay": [1.5]},
                      {"model": "fc", "optimizer": "adma"}]}
            """)
        let result = try runSweep(["validate", path])
        #expect(result.status == 2)
        let expected = [
            "bad.json:1:23: error: unknown dataset \"mnsit\"; did you mean \"mnist\"?",
            "bad.json:2:21: error: unknown model \"convnett\"; did you mean \"convnet\"?",
            "bad.json:3:40: error: unknown optimizer \"adma\"; did you mean \"adam\"?",
        ]
        for line in expected { #expect(result.stderr.contains(line), "missing: \(line)\n\(result.stderr)") }
        let values = try folder.write("values.json", """
            {"fixed": {"dataset": "mnist", "model": "fc", "optimizer": "sgd_c"},
             "grid": {"lr": [-0.1, 0.1], "topC": [0, 5], "decay": [1.5, 0.9]}}
            """)
        let checked = try runSweep(["validate", values])
        #expect(checked.status == 2)
        for line in ["values.json:2:18: error: invalid lr for optimizer sgd_c: -0.1 (expected a number ≥ 0)",
                     "values.json:2:39: error: invalid topC for optimizer sgd_c: 0 (expected an integer ",
                     "values.json:2:56: error: invalid decay for optimizer sgd_c: 1.5 (expected a number in [0, 1]"] {
            #expect(checked.stderr.contains(line), "missing: \(line)\n\(checked.stderr)")
        }
        #expect(checked.stderr.contains("3 errors; nothing was started"))
    }
}
