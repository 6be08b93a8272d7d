import Testing
import Foundation
@testable import SweepCore

/// Reading record lines member by member, and the fixed-prefix fast path status relies on.
@Suite struct RecordScannerTests {
    func withLine<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }

    @Test func headsOfWrittenRecordsAndOfReorderedOnes() {
        let record = ResultRecord(event: .end, id: "abc123", index: 42, sweep: "s", status: .diverged, epoch: 3,
                                  metrics: [("train_loss", .nan)], elapsedSeconds: 1, time: "2026-01-01T00:00:00.000Z",
                                  origin: RecordOrigin(host: "h", task: 0, tasks: 1, attempt: 1), config: .object(["lr": .number(0.1)]))
        let written = String(decoding: record.line.dropLast(), as: UTF8.self)
        withLine(written) { line in
            let head = RecordScanner.head(line)
            #expect(head?.event == .end && head?.status == .diverged && head?.index == 42)
            #expect(head.map { String(decoding: $0.id, as: UTF8.self) } == "abc123")
        }
        withLine(#"{ "id" : "x9", "status":"ok" , "index": 7, "event" : "end", "extra": {"a": [1, "}"]} }"#) { line in
            let head = RecordScanner.head(line)
            #expect(head?.event == .end && head?.status == .ok && head?.index == 7)
            #expect(head.map { String(decoding: $0.id, as: UTF8.self) } == "x9")
        }
        withLine(#"{"event":"epoch","id":"e","index":0,"sweep":"s"}"#) { #expect(RecordScanner.head($0)?.event == .epoch) }
        // Not records: an unknown event or status, an end without status, missing members, not JSON.
        for text in [#"{"event":"finish","id":"a","index":1}"#, #"{"event":"end","id":"a","index":1,"status":"great"}"#,
                     #"{"event":"end","id":"a","index":1}"#, #"{"event":"start","id":"a"}"#, "not json", "{\"event\":\"sta"] {
            withLine(text) { #expect(RecordScanner.head($0) == nil, "\(text)") }
        }
    }

    /// The one test of "is this a record" every command applies: the whole line is one JSON object.
    @Test func aLineIsARecordOnlyIfItIsOneObjectToItsEnd() {
        for text in [#"{"a":"x\\","b":{"c":"}\"]"},"d":[1,2]}"#, #"{ "a" : 1 , "b" : "q\"\"" } "#] {
            withLine(text) { #expect(RecordScanner.isObject($0), "\(text)") }
        }
        for text in [#"{"a":"ok"GARBAGE,"b":1}"#, #"{"a":1}x"#, #"{"a":1"#, #"{"a":{"b":1}"#, #"{"a":1}{"b":2}"#, #"{"a" 1}"#, "{}x"] {
            withLine(text) { #expect(!RecordScanner.isObject($0), "\(text)") }
        }
        withLine(#"{"event":"end","id":"x","index":1,"status":"ok"GARBAGE,"time":"t"}"#) { #expect(RecordScanner.head($0) == nil) }
    }

    @Test func membersSkipNestedValuesAndStringsWithBrackets() {
        withLine(#"{"a":"x}y\"z","b":{"c":[1,{"d":"]"}]},"e":null,"f":-2.5e1}"#) { line in
            var seen: [(String, String)] = []
            let complete = RecordScanner.forEachMember(line) { key, value in
                seen.append((String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
                return true
            }
            #expect(complete)
            #expect(seen.map(\.0) == ["a", "b", "e", "f"])
            #expect(seen.map(\.1) == [#""x}y\"z""#, #"{"c":[1,{"d":"]"}]}"#, "null", "-2.5e1"])
            #expect(RecordScanner.member("f", of: line).flatMap(RecordScanner.number) == -25)
            #expect(RecordScanner.member("a", of: line).flatMap(RecordScanner.string) == "x}y\"z")
            #expect(RecordScanner.member("e", of: line).flatMap(RecordScanner.number)?.isNaN == true)
            #expect(RecordScanner.member("zz", of: line) == nil)
        }
        withLine(#"{"a":1,"b":2"#) { line in #expect(!RecordScanner.forEachMember(line) { _, _ in true }) }
        withLine(#"{"s":"caf\u00e9 \"x\"","n":"1e-3","i":"12"}"#) { line in
            #expect(RecordScanner.member("s", of: line).flatMap(RecordScanner.string) == "café \"x\"")
        }
        withLine("1e-3") { #expect(RecordScanner.number($0) == 0.001) }
        withLine("abc") { #expect(RecordScanner.number($0) == nil) }
        withLine("12") { #expect(RecordScanner.integer($0) == 12) }
        withLine("-1") { #expect(RecordScanner.integer($0) == nil) }
    }

    @Test func recordTimesParseToSecondsSince1970() {
        #expect(parseISOTimestamp("2026-11-18T11:06:40.500Z") == 1_795_000_000.5)
        #expect(parseISOTimestamp("2026-11-18T11:06:40Z") == 1_795_000_000)
        #expect(parseISOTimestamp(isoTimestamp(Date(timeIntervalSince1970: 1_700_000_123.25))) == 1_700_000_123.25)
        for bad in ["2026-11-18 11:06:40Z", "2026-11-18T11:06:40.5", "yesterday", "2026-11-18T11:06:40.Z"] {
            #expect(parseISOTimestamp(bad) == nil, "\(bad)")
        }
    }

    @Test func mappedShardsFindLinesByOffset() throws {
        let folder = temporaryResults()
        try folder.create()
        let path = folder.path("shards/a.jsonl")
        try "first\n\nsecond\nthird".write(toFile: path, atomically: true, encoding: .utf8)
        let shard = try MappedShard(path: path)
        var lines: [(String, Int, Int)] = []
        let problem = shard.forEachLine { line, offset, number in lines.append((String(decoding: line, as: UTF8.self), offset, number)) }
        #expect(lines.map(\.0) == ["first", "second"])
        #expect(lines.map(\.1) == [0, 7])
        #expect(lines.map(\.2) == [1, 3])
        #expect(problem?.kind == .incompleteLastLine && problem?.line == 4)
        #expect(String(decoding: shard.line(at: 7), as: UTF8.self) == "second")
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try MappedShard(path: path).forEachLine { _, _, _ in Issue.record("an empty shard has no lines") } == nil)
        #expect(throws: ResultsError.self) { try MappedShard(path: folder.path("shards/missing.jsonl")) }
    }
}
