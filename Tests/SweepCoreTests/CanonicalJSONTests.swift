import Testing
import Foundation
@testable import SweepCore

@Suite struct CanonicalJSONTests {
    /// Expected strings are what JavaScript's JSON.stringify prints (ECMAScript Number::toString).
    @Test(arguments: [
        (0.1, "0.1"), (1e-5, "0.00001"), (1e-6, "0.000001"), (1e-7, "1e-7"), (123.456, "123.456"),
        (5.0, "5"), (-3.0, "-3"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (1.5e300, "1.5e+300"),
        (-2.5e-10, "-2.5e-10"), (0.30000000000000004, "0.30000000000000004"), (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (123456789.125, "123456789.125"), (0.0, "0"),
        (9007199254740993.0, "9007199254740992"), (2e-3, "0.002"), (1234.5e-10, "1.2345e-7"),
    ])
    func numbersInShortestForm(_ value: Double, _ expected: String) {
        #expect(CanonicalJSON.string(.number(value)) == expected)
    }

    @Test func numbersRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random() ? 1 : -1)
            let text = CanonicalJSON.string(.number(value))
            #expect(Double(text) == value, "\(value) printed as \(text)")
        }
    }

    @Test func keysSortedCompactStringsEscaped() {
        let value = JSONValue.object(["b": .array([.number(1), .null]), "a": .string("q\"\\\n\u{01}é"),
                                      "B": .bool(false), "é": .object([:])])
        #expect(CanonicalJSON.string(value) == #"{"B":false,"a":"q\"\\\n\u0001é","b":[1,null],"é":{}}"#)
    }
}
