import Testing
@testable import SweepCore
import Vocabulary

/// A small catalog in the shape Worker builds, enough to exercise every rule: `kappa` is a key of both
/// optimizer sgd_c and dataset powerlaw; the dataset selector has a default.
let testCatalog: Catalog = {
    let lr = KeySpec("lr", .number(0...Double.infinity), .number(0.001), "")
    let momentum = KeySpec("momentum", .number(-1...1), .number(0), "")
    let nesterov = KeySpec("nesterov", .bool, .bool(false), "")
    let topC = KeySpec("topC", .integer(1...Int.max), .number(10), "")
    let decay = KeySpec("decay", .number(0...1), .number(0.7), "")
    let kappa = KeySpec("kappa", .number(0...Double.infinity), .number(1), "")
    let sgd = Component(name: "sgd", summary: "", keys: [lr, momentum, nesterov]) { row in
        if row["nesterov"] == .bool(true), (row["momentum"]?.number ?? 0) <= 0 { return "nesterov needs momentum > 0" }
        return nil
    }
    let sgdC = Component(name: "sgd_c", summary: "", keys: [lr, momentum, topC, decay, kappa],
                         refused: [RefusedKey("sampling", "not implemented")])
    let hidden = KeySpec("hidden", .integers(1...100_000, count: 0...16), .numbers([32]), "")
    let target = KeySpec("kappa", .number(-10...10), .number(1), "")
    return Catalog(
        run: Component(name: "run", summary: "", keys: [KeySpec("epochs", .integer(1...Int.max), .number(10), ""),
                                                         KeySpec("seed", .integer(0...Int.max), .number(0), "")]),
        selectors: [
            Selector(owner: .optimizer, components: [sgd, sgdC]),
            Selector(owner: .model, components: [Component(name: "fc", summary: "", keys: [hidden]),
                                                 Component(name: "logreg", summary: "", keys: [])]),
            Selector(owner: .dataset, defaultComponent: "blobs", components: [Component(name: "blobs", summary: "", keys: []),
                                                                              Component(name: "powerlaw", summary: "", keys: [target])]),
        ])
}()

@Suite struct GridValidatorTests {
    private func messages(_ text: String) throws -> [String] {
        let g = try grid(text, path: "g.json")
        do {
            try GridValidator(catalog: testCatalog).validate(g)
            return []
        } catch let error as GridErrors {
            return error.errors.map { "\($0.position.map { "\($0.line):\($0.column)" } ?? "-") \($0.message)\($0.hint.map { " | " + $0 } ?? "")" }
        }
    }

    @Test func aValidGridPasses() throws {
        let found1 = try messages(#"""
        {"fixed": {"model": "fc", "epochs": 3},
         "grid": [{"optimizer": ["sgd", "sgd_c"], "lr": [0.1, 0.01], "momentum": [0.9, -0.5]},
                  {"optimizer": "sgd_c", "topC": [5, 10], "decay": [0.7, 0.99]}],
         "seed": [0, 1]}
        """#)
        #expect(found1 == [])
    }

    @Test func unknownNamesListTheValidOnesAndSuggest() throws {
        let found2 = try messages(#"{"fixed": {"model": "fc"}, "grid": {"optimizer": ["sgd", "sdg_c", 3]}}"#)
        #expect(found2 == [
            #"1:58 unknown optimizer "sdg_c"; did you mean "sgd_c"? (valid: sgd, sgd_c)"#,
            "1:67 optimizer must be a string naming one of: sgd, sgd_c",
        ])
    }

    @Test func keysMustBelongToWhatIsSelected() throws {
        let found3 = try messages(#"{"fixed": {"model": "fc"}, "grid": {"optimizer": ["sgd", "sgd_c"], "topC": [5]}}"#)
        #expect(found3 == [
            #"1:68 "topC" is not a setting of optimizer sgd, model fc, dataset blobs | "topC" belongs to optimizer sgd_c; give it in a block of its own with those (a list of blocks is a union)"#,
        ])
        let found4 = try messages(#"{"fixed": {"model": "logreg", "optimizer": "sgd_c", "topc": 5}}"#)
        #expect(found4 == [
            #"1:53 unknown key "topc" for optimizer sgd_c, model logreg, dataset blobs; did you mean "topC"? (valid: epochs, seed, lr, momentum, topC, decay, kappa)"#,
        ])
    }

    @Test func valuesAreCheckedAgainstTheirOwnersRules() throws {
        let found5 = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd_c"}, "grid": {"lr": [0.1, -1], "topC": [0, 5.5], "decay": 2, "epochs": [0]}}"#)
        #expect(found5 == [
            "1:71 invalid lr for optimizer sgd_c: -1 (expected a number ≥ 0)",
            "1:85 invalid topC for optimizer sgd_c: 0 (expected an integer ≥ 1)",
            "1:88 invalid topC for optimizer sgd_c: 5.5 (expected an integer ≥ 1)",
            "1:103 invalid decay for optimizer sgd_c: 2 (expected a number in [0, 1])",
            "1:117 invalid epochs: 0 (expected an integer ≥ 1)",
        ])
    }

    @Test func combinationsAreCheckedOverDistinctValuesOnly() throws {
        // Only the nesterov=true, momentum=0 combination is wrong; it is reported once, whatever lr is.
        let found = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd"}, "grid": {"lr": [1, 2, 3], "nesterov": [true, false], "momentum": [0, 0.9]}}"#)
        #expect(found == ["1:40 optimizer sgd: nesterov needs momentum > 0"])
        // In a zip only the combinations that occur count.
        let found6 = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd"}, "aggregation": "zip", "grid": {"nesterov": [true, false], "momentum": [0.9, 0]}}"#)
        #expect(found6 == [])
    }

    @Test func requiredSelectorsMustBeSomewhere() throws {
        let found7 = try messages(#"{"fixed": {"optimizer": "sgd"}, "grid": [{"model": "fc"}, {"lr": [1]}]}"#)
        #expect(found7 == [
            #"1:59 the configurations of this block have no "model" | add "model" to fixed or to this block (one of: fc, logreg)"#,
        ])
    }

    @Test func aKeyTwoChosenComponentsDeclareMustBeQualified() throws {
        let ambiguous = try messages(#"{"fixed": {"model": "fc", "dataset": "powerlaw", "optimizer": "sgd_c", "kappa": 2}}"#)
        #expect(ambiguous == [
            #"1:72 "kappa" is a key of optimizer sgd_c and dataset powerlaw | say whose it is: "optimizer.kappa" or "dataset.kappa""#,
        ])
        // Only one chosen component declares it: the unqualified key is that one's.
        let found101 = try messages(#"{"fixed": {"model": "fc", "dataset": "powerlaw", "optimizer": "sgd", "kappa": -2}}"#)
        #expect(found101 == [])
        let found102 = try messages(#"{"fixed": {"model": "fc", "dataset": "powerlaw", "optimizer": "sgd", "kappa": 20}}"#)
        #expect(found102 == [
            "1:79 invalid kappa for dataset powerlaw: 20 (expected a number in [-10, 10])",
        ])
        // Qualified keys are always accepted, each checked by its own owner's kind.
        let found103 = try messages(#"{"fixed": {"model": "fc", "dataset": "powerlaw", "optimizer": "sgd_c", "dataset.kappa": -2, "optimizer.kappa": 20}}"#)
        #expect(found103 == [])
        let found104 = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd", "optimizer.lr": 0.1, "run.epochs": 3}}"#)
        #expect(found104 == [])
    }

    @Test func qualifiedKeysNameARealOwnerAndAreNotGivenTwice() throws {
        let found105 = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd", "dataset.kappa": 1}}"#)
        #expect(found105 == [
            #"1:47 dataset blobs has no key "kappa" (valid: none)"#,
        ])
        let found106 = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd", "optimizer.momentun": 0.5}}"#)
        #expect(found106 == [
            #"1:47 optimizer sgd has no key "momentun"; did you mean "optimizer.momentum"? (valid: lr, momentum, nesterov)"#,
        ])
        let found107 = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd", "lr": 0.1, "optimizer.lr": 0.2}}"#)
        #expect(found107 == [
            #"1:47 "lr" and "optimizer.lr" both set optimizer sgd's lr | keep one of them"#,
        ])
    }

    @Test func refusedKeysSayWhy() throws {
        let found108 = try messages(#"{"fixed": {"model": "fc", "optimizer": "sgd_c", "sampling": "random"}}"#)
        #expect(found108 == [
            #"1:49 optimizer sgd_c does not take "sampling": not implemented | remove the key"#,
        ])
    }

    /// A megabyte-long name is neither compared letter by letter with every valid name nor echoed back.
    @Test func aHugeUnknownNameIsShortenedInTheMessage() throws {
        let name = String(repeating: "x", count: 1_000_000)
        let found = try messages(#"{"fixed": {"model": "fc", "optimizer": ""# + name + #""}}"#)
        #expect(found == [#"1:40 unknown optimizer "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (1000000 characters)" (valid: sgd, sgd_c)"#])
        #expect(nearestName(to: name, among: ["sgd", "sgd_c"]) == nil)
    }
}
