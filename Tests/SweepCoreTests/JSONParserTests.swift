import Testing
@testable import SweepCore

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONNode { try JSONParser.parse(Array(text.utf8)) }

    private func syntaxError(_ text: String) -> (message: String, position: SourcePosition)? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as JSONSyntaxError {
            return (error.message, SourceText(path: "t", text: text).position(of: error.offset))
        } catch {
            return nil
        }
    }

    @Test func keepsKeyOrderAndPositions() throws {
        let text = "{\n  \"zeta\": 1,\n  \"alpha\": [true, null, \"é\"],\n  \"mid\": {\"b\": 2, \"a\": 1}\n}"
        let node = try parse(text)
        let source = SourceText(path: "t", text: text)
        #expect(node.members?.map(\.key) == ["zeta", "alpha", "mid"])
        #expect(node["mid"]?.value.members?.map(\.key) == ["b", "a"])
        #expect(source.position(of: node["alpha"]!.keyOffset) == SourcePosition(line: 3, column: 3))
        #expect(source.position(of: node["alpha"]!.value.offset) == SourcePosition(line: 3, column: 12))
        #expect(node["alpha"]?.value.value == .array([.bool(true), .null, .string("é")]))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let text = "{\"ü\": \"ä\", \"x\": 1}"
        let node = try parse(text)
        #expect(SourceText(path: "t", text: text).position(of: node["x"]!.value.offset) == SourcePosition(line: 1, column: 17))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let node = try parse(#"["a\"b\\c\/d\n\t\u00e9\ud83d\ude00"]"#)
        #expect(node.value == .array([.string("a\"b\\c/d\n\té😀")]))
    }

    @Test func numbers() throws {
        #expect(try parse("-0").value == .number(0))
        #expect(try parse("1e-5").value == .number(1e-5))
        #expect(try parse("2.50E+2").value == .number(250))
        #expect(try parse("9007199254740992").value == .number(9_007_199_254_740_992))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "trailing comma before '}'", SourcePosition(line: 1, column: 9)),
        ("[1, 2,]", "trailing comma before ']'", SourcePosition(line: 1, column: 7)),
        ("{\"a\": 1, \"a\": 2}", "duplicate key \"a\"", SourcePosition(line: 1, column: 10)),
        ("{'a': 1}", "expected a key in double quotes", SourcePosition(line: 1, column: 2)),
        ("// note\n{}", "comments are not allowed", SourcePosition(line: 1, column: 1)),
        ("{\"a\": 01}", "leading zeros", SourcePosition(line: 1, column: 7)),
        ("{\"a\": 1e999}", "out of range", SourcePosition(line: 1, column: 7)),
        ("{\"a\": 12345678901234567890}", "too large to be represented exactly", SourcePosition(line: 1, column: 7)),
        ("{\"a\": \"x\\q\"}", "invalid escape \\q", SourcePosition(line: 1, column: 9)),
        ("{\"a\": \"\\ud800\"}", "unpaired surrogate", SourcePosition(line: 1, column: 8)),
        ("{\"a\": \"abc\n\"}", "line break inside a string", SourcePosition(line: 1, column: 11)),
        ("{\"a\": tru}", "unexpected \"tru\"", SourcePosition(line: 1, column: 7)),
        ("{\"a\" 1}", "expected ':'", SourcePosition(line: 1, column: 6)),
        ("{\"a\": 1\n\"b\": 2}", "expected ',' or '}'", SourcePosition(line: 2, column: 1)),
        ("{\"a\": [1, 2}", "expected ',' or ']'", SourcePosition(line: 1, column: 12)),
        ("{\"a\": 1} x", "after the end of the JSON value", SourcePosition(line: 1, column: 10)),
        ("", "unexpected end of file", SourcePosition(line: 1, column: 1)),
        ("{\"a\": \"open", "unterminated string", SourcePosition(line: 1, column: 7)),
    ])
    func reportsErrorsWithTheirPlace(_ text: String, _ message: String, _ position: SourcePosition) throws {
        let error = try #require(syntaxError(text))
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.position == position)
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() throws {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(syntaxError(deep)?.message.contains("nested deeper") == true)
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(syntaxError(fine) == nil)
    }
}
