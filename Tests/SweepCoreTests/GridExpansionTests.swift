import Testing
@testable import SweepCore

/// Parses grid text; the tests' grids are valid unless a test says otherwise.
func grid(_ text: String, path: String = "test.json") throws -> Grid {
    try GridParser.parse(SourceText(path: path, text: text))
}

/// Every configuration as canonical text, in index order.
func expand(_ grid: Grid) -> [String] { (0..<grid.count).map { grid.configuration($0).canonicalJSON } }

@Suite struct GridExpansionTests {
    @Test func productVariesTheLastKeyFastestInFileOrder() throws {
        let g = try grid(#"{"grid": {"b": [1, 2], "a": ["x", "y", "z"]}}"#)
        #expect(expand(g) == [
            #"{"a":"x","b":1}"#, #"{"a":"y","b":1}"#, #"{"a":"z","b":1}"#,
            #"{"a":"x","b":2}"#, #"{"a":"y","b":2}"#, #"{"a":"z","b":2}"#,
        ])
    }

    @Test func zipPairsValuesAndRepeatsSingleOnes() throws {
        let g = try grid(#"{"aggregation": "zip", "grid": {"lr": [0.1, 0.01, 0.001], "m": [0.9, -0.5, 0], "b": [10]}}"#)
        #expect(expand(g) == [#"{"b":10,"lr":0.1,"m":0.9}"#, #"{"b":10,"lr":0.01,"m":-0.5}"#, #"{"b":10,"lr":0.001,"m":0}"#])
    }

    @Test func unionConcatenatesBlocksAndFixedAndSeedsApply() throws {
        let g = try grid(#"""
        {
          "fixed": {"epochs": 2},
          "grid": [
            {"opt": ["sgd", "adam"], "lr": [1, 2]},
            {"opt": "aggmo", "betas": [[0, 0.9], [0, 0.5]]}
          ],
          "seed": [7, 8]
        }
        """#)
        #expect(g.count == 12)
        #expect(expand(g) == [
            #"{"epochs":2,"lr":1,"opt":"sgd","seed":7}"#, #"{"epochs":2,"lr":1,"opt":"sgd","seed":8}"#,
            #"{"epochs":2,"lr":2,"opt":"sgd","seed":7}"#, #"{"epochs":2,"lr":2,"opt":"sgd","seed":8}"#,
            #"{"epochs":2,"lr":1,"opt":"adam","seed":7}"#, #"{"epochs":2,"lr":1,"opt":"adam","seed":8}"#,
            #"{"epochs":2,"lr":2,"opt":"adam","seed":7}"#, #"{"epochs":2,"lr":2,"opt":"adam","seed":8}"#,
            #"{"betas":[0,0.9],"epochs":2,"opt":"aggmo","seed":7}"#, #"{"betas":[0,0.9],"epochs":2,"opt":"aggmo","seed":8}"#,
            #"{"betas":[0,0.5],"epochs":2,"opt":"aggmo","seed":7}"#, #"{"betas":[0,0.5],"epochs":2,"opt":"aggmo","seed":8}"#,
        ])
    }

    @Test func nestedBlocksHaveTheirOwnAggregationAndFixed() throws {
        let g = try grid(#"""
        {
          "aggregation": "product",
          "fixed": {"model": "fc"},
          "grid": [
            {"aggregation": "zip", "fixed": {"opt": "sgd"}, "grid": {"lr": [1, 2], "m": [0.5, 0.6]}},
            {"fixed": {"opt": "adam"}, "grid": [
              {"lr": [3]},
              {"aggregation": "zip", "lr": [4, 5], "eps": [1e-8, 1e-6]}
            ]},
            {"lr": [6, 7], "m": [0, 1]}
          ]
        }
        """#)
        #expect(expand(g) == [
            #"{"lr":1,"m":0.5,"model":"fc","opt":"sgd"}"#, #"{"lr":2,"m":0.6,"model":"fc","opt":"sgd"}"#,
            #"{"lr":3,"model":"fc","opt":"adam"}"#,
            #"{"eps":1e-8,"lr":4,"model":"fc","opt":"adam"}"#, #"{"eps":0.000001,"lr":5,"model":"fc","opt":"adam"}"#,
            #"{"lr":6,"m":0,"model":"fc"}"#, #"{"lr":6,"m":1,"model":"fc"}"#,
            #"{"lr":7,"m":0,"model":"fc"}"#, #"{"lr":7,"m":1,"model":"fc"}"#,
        ])
    }

    @Test func aSingleValueIsOneChoiceAndListValuedChoicesStayWhole() throws {
        let g = try grid(#"{"grid": {"betas": [[0.9, 0.999]], "lr": 0.1, "obj": [{"k": 1}]}}"#)
        #expect(expand(g) == [#"{"betas":[0.9,0.999],"lr":0.1,"obj":{"k":1}}"#])
    }

    @Test func withoutAGridThereIsOneConfigurationPerSeed() throws {
        #expect(expand(try grid(#"{"fixed": {"a": 1}, "seed": [1, 2]}"#)) == [#"{"a":1,"seed":1}"#, #"{"a":1,"seed":2}"#])
        #expect(expand(try grid(#"{"fixed": {"a": 1}}"#)) == [#"{"a":1}"#])
    }

    @Test func idsIgnoreKeyOrderAndNumberSpellingButNotValues() throws {
        let a = try grid(#"{"fixed": {"x": 1, "y": "s"}, "grid": {"lr": [0.1, 1e-3]}}"#)
        let b = try grid(#"{"grid": {"lr": [1.0e-1, 0.001]}, "fixed": {"y": "s", "x": 1.0}}"#)
        let c = try grid(#"{"fixed": {"x": 2, "y": "s"}, "grid": {"lr": [0.1, 1e-3]}}"#)
        #expect(a.configuration(0).id == b.configuration(0).id)
        #expect(a.configuration(1).id == b.configuration(1).id)
        #expect(a.configuration(0).id != c.configuration(0).id)
        #expect(a.configuration(0).id != a.configuration(1).id)
        #expect(a.configuration(0).id == SHA256.hex(Array(#"{"lr":0.1,"x":1,"y":"s"}"#.utf8)))
    }

    @Test func jsonLinesCarryIndexIdAndConfig() throws {
        let g = try grid(#"{"grid": {"a": [1, 2, 3]}, "seed": [0, 1]}"#)
        var lines: [UInt8] = []
        g.writeJSONLines(g.indices(task: 1, tasks: 4), threads: 3) { lines += $0 }
        let text = String(decoding: lines, as: UTF8.self)
        let expected = [1, 5].map { i -> String in
            let c = g.configuration(i)
            return #"{"index":\#(i),"id":"\#(c.id)","config":\#(c.canonicalJSON)}"#
        }
        #expect(text == expected.joined(separator: "\n") + "\n")
    }

    /// Many chunks over several threads come out in index order, identical to a single thread.
    @Test func parallelJSONLinesMatchSequentialOnes() throws {
        let g = try grid(#"{"grid": [{"a": [1,2,3,4,5,6,7,8,9,10], "b": [1,2,3,4,5,6,7,8,9,10], "c": [1,2,3,4,5,6,7,8,9,10]}, {"d": [1,2]}], "seed": [1,2,3]}"#)
        var one: [UInt8] = [], many: [UInt8] = []
        g.writeJSONLines(g.indices(task: 0, tasks: 1), threads: 1) { one += $0 }
        g.writeJSONLines(g.indices(task: 0, tasks: 1), threads: 4) { many += $0 }
        #expect(one == many)
        #expect(one.filter { $0 == UInt8(ascii: "\n") }.count == g.count)
    }

    @Test func taskSharesPartitionTheGrid() throws {
        let g = try grid(#"{"grid": {"a": [1,2,3,4,5,6,7]}, "seed": [0, 1, 2]}"#)
        var seen: [Int] = []
        for task in 0..<4 {
            let share = Array(g.indices(task: task, tasks: 4))
            #expect(share.allSatisfy { $0 % 4 == task })
            seen += share
        }
        #expect(seen.sorted() == Array(0..<21))
        #expect(Array(g.indices(task: 30, tasks: 40)).isEmpty)
        for tasks in 1...25 {
            for task in 0..<tasks { #expect(g.shareCount(task: task, tasks: tasks) == Array(g.indices(task: task, tasks: tasks)).count) }
        }
    }

    /// Random access in a grid of 10^10 configurations: index arithmetic, no enumeration.
    @Test func randomAccessInAHugeGrid() throws {
        let values = "[" + (0..<100).map(String.init).joined(separator: ",") + "]"
        let g = try grid(#"{"grid": {"a": \#(values), "b": \#(values), "c": \#(values), "d": \#(values), "e": \#(values)}}"#)
        #expect(g.count == 10_000_000_000)
        #expect(g.configuration(1_234_567_890).canonicalJSON == #"{"a":12,"b":34,"c":56,"d":78,"e":90}"#)
        #expect(g.configuration(98_765).canonicalJSON == #"{"a":0,"b":0,"c":9,"d":87,"e":65}"#)
        #expect(g.configuration(g.count - 1).canonicalJSON == #"{"a":99,"b":99,"c":99,"d":99,"e":99}"#)
    }

    @Test func keysInFileOrderAndConstants() throws {
        let g = try grid(#"{"fixed": {"m": "fc", "e": 3}, "grid": [{"lr": [1, 2], "o": "sgd"}, {"lr": [3], "o": "adam", "x": 1}], "seed": [0]}"#)
        #expect(g.keysInFileOrder == ["m", "e", "lr", "o", "x", "seed"])
        #expect(g.constantValues == ["m": .string("fc"), "e": .number(3), "seed": .number(0)])
    }
}
