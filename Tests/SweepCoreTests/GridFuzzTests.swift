import Testing
@testable import SweepCore

/// Thousands of mutated grid files: parsing and validation never crash or hang, and every rejection is
/// a list of positioned, non-empty messages.
@Suite struct GridFuzzTests {
    static let seeds = [
        #"{"name": "a", "fixed": {"model": "fc", "epochs": 3}, "grid": [{"optimizer": ["sgd", "sgd_c"], "lr": [0.1, 0.01], "momentum": [0.9, -0.5]}, {"aggregation": "zip", "grid": {"optimizer": "sgd_c", "topC": [5, 10], "decay": [0.7, 0.99]}}], "seed": [0, 1, 2]}"#,
        #"{"aggregation": "zip", "fixed": {"model": "logreg", "optimizer": "sgd"}, "grid": {"lr": [1e-1, 1e-2, 1e-3], "nesterov": [true, false, false], "momentum": [0.9, 0, 0]}}"#,
        "{\n  \"description\": \"é\\u00e9\",\n  \"grid\": {\"model\": [\"fc\"], \"optimizer\": \"sgd\", \"hidden\": [[32, 16], [64]]}\n}",
    ]

    /// Tokens that stress the grammar when spliced in.
    static let tokens = ["[", "]", "{", "}", ",", ":", "\"", "\\", "0", "-", "1e999", "12345678901234567890", "\"lr\"",
                         "null", "true", "[]", "{}", "\"grid\"", "\"aggregation\": \"zip\"", "\\u12", "\\ud800",
                         "\u{00}", "\t", "\n", "é", "\"seed\": [", "\"fixed\": {", "[[[[[[[[", "]]]]"]

    /// SplitMix64: the test needs its own small seeded generator (SweepCore cannot see Models').
    struct Mixer {
        var state: UInt64
        mutating func nextWord() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func next(_ bound: Int) -> Int { Int(nextWord() % UInt64(bound)) }
    }

    static func mutate(_ text: [UInt8], _ rng: inout Mixer) -> [UInt8] {
        var bytes = text
        for _ in 0..<(1 + rng.next(3)) {
            let at = rng.next(bytes.count + 1)
            switch rng.next(6) {
            case 5: // a value-level change: another digit keeps the text valid JSON most of the time
                let digits = bytes.indices.filter { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
                if !digits.isEmpty { bytes[digits[rng.next(digits.count)]] = UInt8(ascii: "0") + UInt8(rng.next(10)) }
            case 0: if at < bytes.count { bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.next(8))) }
            case 1: bytes.insert(contentsOf: Array(tokens[rng.next(tokens.count)].utf8), at: at)
            case 2: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: rng.next(256)) }
            case 3:
                let start = rng.next(bytes.count), end = min(bytes.count, start + rng.next(40))
                bytes.insert(contentsOf: bytes[start..<end], at: at)
            default:
                let start = rng.next(bytes.count), end = min(bytes.count, start + rng.next(30))
                let piece = Array(bytes[start..<end])
                bytes.removeSubrange(start..<end)
                bytes.insert(contentsOf: piece, at: min(at, bytes.count))
            }
            if bytes.isEmpty { break }
        }
        return bytes
    }

    @Test(.timeLimit(.minutes(2)))
    func mutatedGridsAreAcceptedOrRejectedClearly() throws {
        var rng = Mixer(state: 20_261_122)
        var accepted = 0, rejected = 0
        for round in 0..<6_000 {
            let original = Array(GridFuzzTests.seeds[round % GridFuzzTests.seeds.count].utf8)
            let bytes = GridFuzzTests.mutate(original, &rng)
            let source = SourceText(path: "fuzz.json", bytes: bytes)
            let lines = bytes.filter { $0 == UInt8(ascii: "\n") }.count + 1
            do {
                let parsed = try GridParser.parse(source)
                try GridValidator(catalog: testCatalog).validate(parsed)
                #expect(parsed.count >= 1)
                if parsed.count < 100_000 {
                    _ = parsed.configuration(parsed.count - 1).id
                }
                accepted += 1
            } catch let errors as GridErrors {
                rejected += 1
                #expect(!errors.errors.isEmpty)
                for error in errors.errors {
                    #expect(!error.message.isEmpty)
                    #expect(error.description.hasPrefix("fuzz.json:"))
                    if let position = error.position { #expect(position.line >= 1 && position.line <= lines && position.column >= 1) }
                }
            }
        }
        // The mutations must exercise both outcomes, or the test proves little.
        #expect(accepted > 100 && rejected > 3_000, "accepted \(accepted), rejected \(rejected)")
    }
}
