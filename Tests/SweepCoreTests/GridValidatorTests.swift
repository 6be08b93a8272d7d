import Testing
@testable import SweepCore

/// A small catalog in the shape Worker builds, enough to exercise every rule.
let testCatalog: Catalog = {
    let lr = KeySpec(name: "lr", rule: .number(0...1e9, expected: "a number ≥ 0"), defaultValue: "0.001", summary: "")
    let momentum = KeySpec(name: "momentum", rule: .number(-1...1, expected: "a number in [-1, 1]"), defaultValue: "0", summary: "")
    let nesterov = KeySpec(name: "nesterov", rule: .bool, defaultValue: "false", summary: "")
    let topC = KeySpec(name: "topC", rule: .number(1...1e6, integer: true, expected: "an integer ≥ 1"), defaultValue: "10", summary: "")
    let decay = KeySpec(name: "decay", rule: .number(0...1, expected: "a number in [0, 1]"), defaultValue: "0.7", summary: "")
    let sgd = Component(name: "sgd", summary: "", keys: [lr, momentum, nesterov]) { row in
        if row["nesterov"] == .bool(true), (row["momentum"]?.number ?? 0) <= 0 { return "nesterov needs momentum > 0" }
        return nil
    }
    let sgdC = Component(name: "sgd_c", summary: "", keys: [lr, momentum, topC, decay])
    let hidden = KeySpec(name: "hidden", rule: ValueRule(expected: "a list of integers") { $0.array != nil }, defaultValue: "[32]", summary: "")
    return Catalog(
        general: [KeySpec(name: "epochs", rule: .number(1...1e6, integer: true, expected: "an integer ≥ 1"), defaultValue: "10", summary: ""),
                  KeySpec(name: "seed", rule: .number(0...1e15, integer: true, expected: "an integer ≥ 0"), defaultValue: "0", summary: "")],
        selectors: [
            Selector(key: "optimizer", required: true, components: [sgd, sgdC]),
            Selector(key: "model", required: true, components: [Component(name: "fc", summary: "", keys: [hidden]),
                                                                Component(name: "logreg", summary: "", keys: [])]),
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
            #"1:68 "topC" is not a setting of optimizer sgd, model fc | "topC" belongs to optimizer sgd_c; give it in a block of its own with those (a list of blocks is a union)"#,
        ])
        let found4 = try messages(#"{"fixed": {"model": "logreg", "optimizer": "sgd_c", "topc": 5}}"#)
        #expect(found4 == [
            #"1:53 unknown key "topc" for optimizer sgd_c, model logreg; did you mean "topC"? (valid: epochs, seed, lr, momentum, topC, decay)"#,
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
}
