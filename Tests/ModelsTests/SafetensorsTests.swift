// The safetensors reader and writer: files written by the reference library and by PyTorch
// (scripts/make-safetensors-fixtures.py) read to the values they were made from; our files read
// back to the same tensors; malformed files are refused with the reason; RoBERTa checkpoints load by
// name (ignoring position_ids, the pooler and the tied aliases) and save back.
import Foundation
import Testing
import Models
import TestSupport

@Suite struct SafetensorsTests {
    static let folder = Fixtures.folder("checkpoints")

    /// The same tensors, written by the reference library from numpy and by PyTorch.
    @Test(arguments: ["reference_small.safetensors", "torch_small.safetensors"])
    func readsTheReferenceWriters(_ name: String) throws {
        let file = try SafetensorsFile(contentsOf: Self.folder.appendingPathComponent(name))
        #expect(file.metadata == ["format": "pt"])
        #expect(Set(file.entries.map(\.name)) == ["matrix", "half", "double", "ids"])
        #expect(file.entry("matrix")?.shape == [3, 4] && file.entry("matrix")?.dtype == "F32")
        #expect(try file.floats("matrix") == (0..<12).map { Float($0) * 0.5 - 1 })
        #expect(try file.floats("half") == [1.5, -2.25, 65504, 0x1p-14])
        #expect(try file.floats("double") == [Float(1.0 / 3), Float(-2.0 / 3)])
        #expect(try file.integers("ids") == [0, 1, 2, 3, 4])
        #expect(throws: CheckpointError.self) { try file.floats("ids") }
        #expect(throws: CheckpointError.missingTensor(file: file.file, name: "nothing")) { try file.floats("nothing") }
    }

    @Test func roundTrip() throws {
        let values: [Float] = [0, -0.0, 1e-30, .greatestFiniteMagnitude, -3.25, .pi]
        let data = try SafetensorsFile.encode([
            SafetensorsFile.Tensor(name: "a.weight", shape: [2, 3], floats: values),
            SafetensorsFile.Tensor(name: "position_ids", shape: [1, 2], integers: [7, -1]),
            SafetensorsFile.Tensor(name: "quote\"d", shape: [1], floats: [2]),
        ], metadata: ["format": "pt"])
        let header = (0..<8).reduce(0) { $0 | Int(data[data.startIndex + $1]) << (8 * $1) }
        #expect(header % 8 == 0)
        let file = try SafetensorsFile(data: data)
        #expect(file.entries.map(\.name) == ["a.weight", "position_ids", "quote\"d"])
        #expect(try file.floats("a.weight").map(\.bitPattern) == values.map(\.bitPattern))
        #expect(try file.integers("position_ids") == [7, -1])
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func refusesMalformedFiles() throws {
        func header(_ json: String, data: Int = 0) -> Data {
            var out = Data()
            var length = UInt64(json.utf8.count).littleEndian
            withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
            out.append(contentsOf: Array(json.utf8))
            out.append(contentsOf: [UInt8](repeating: 0, count: data))
            return out
        }
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "shorter than"),
            (header("{}").prefix(5) + Data([255, 255, 255]), "exceeds"),
            (Data([200, 0, 0, 0, 0, 0, 0, 0, 123]), "exceeds"),
            (header("[1]"), "not a JSON object"),
            (header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: 4), "outside"),
            (header(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8), "bytes for shape"),
            (header(#"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, data: 8), "unsupported dtype"),
            (header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8), "overlap"),
        ]
        for (data, reason) in cases {
            do {
                _ = try SafetensorsFile(data: data, file: "bad.safetensors")
                Issue.record("accepted a file that should fail with \(reason)")
            } catch let error as CheckpointError {
                #expect(error.description.contains(reason), "\(error.description) should mention \(reason)")
            }
        }
    }

    /// The tiny RoBERTa checkpoint holds the nlp fixture's weights: loaded by name it gives the
    /// fixture's loss; saved back and reloaded it gives the same parameters bit for bit.
    @Test func robertaCheckpointLoadsAndSaves() throws {
        let model = try TransformerLanguageModel.roberta(checkpoint: Self.folder.appendingPathComponent("roberta_tiny"), context: 7,
                                                         dropout: 0, seed: 1)
        let unused = try model.load(SafetensorsFile(contentsOf: Self.folder.appendingPathComponent("roberta_tiny/model.safetensors")))
        #expect(Set(unused) == ["roberta.embeddings.position_ids", "lm_head.decoder.weight", "lm_head.decoder.bias",
                                "roberta.pooler.dense.weight", "roberta.pooler.dense.bias"])
        let fixture = try Fixtures.json("nlp", "roberta_causal_lm_a")
        let ids = ((fixture["input_ids"] as? [String: Any])?["value"] as? [Int] ?? []).map { Int32($0) }
        var targets = [Int32](repeating: -1, count: ids.count)
        for b in 0..<3 { for t in 0..<6 { targets[b * 7 + t] = ids[b * 7 + t + 1] } }
        let loss = try model.step(tokens: ids, targets: targets, sequences: 3, steps: 7, training: false).loss
        #expect(abs(loss - (fixture["loss"] as? Double ?? 0)) < 1e-5)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("roberta-save-\(getpid())")
        defer { try? FileManager.default.removeItem(at: out) }
        try model.saveCheckpoint(to: out)
        let again = try TransformerLanguageModel.roberta(checkpoint: out, context: 7, dropout: 0, seed: 2)
        #expect(again.shape == model.shape)
        #expect(again.parameters.valueArray() == model.parameters.valueArray())
    }

    @Test func missingOrMisshapenTensorsAreNamed() throws {
        let model = try TransformerLanguageModel(name: "tiny", shape: TransformerShape(vocabulary: 5, width: 4, layers: 1, heads: 1, ffn: 8,
                                                                                   positions: 8, context: 4, layout: .preNorm), seed: 0)
        var tensors = model.tensors()
        let removed = tensors.removeLast()
        #expect(throws: CheckpointError.missingTensor(file: "safetensors", name: removed.name)) {
            try model.load(SafetensorsFile(data: try SafetensorsFile.encode(tensors)))
        }
        tensors.append(SafetensorsFile.Tensor(name: removed.name, shape: [removed.floats.count + 1], floats: removed.floats + [0]))
        #expect(throws: CheckpointError.shapeMismatch(name: removed.name, got: [removed.floats.count + 1], expected: removed.shape)) {
            try model.load(SafetensorsFile(data: try SafetensorsFile.encode(tensors)))
        }
    }

    /// The reference safetensors library (`pip install safetensors numpy`, done by scripts/setup) reads a
    /// file we wrote to the same tensors.
    @Test func referenceReaderReadsOurFile() throws {
        let script = """
            import json, sys
            from safetensors.numpy import load_file
            from safetensors import safe_open
            t = load_file(sys.argv[1])
            with safe_open(sys.argv[1], "np") as f: meta = f.metadata()
            print(json.dumps({"meta": meta, "tensors": {k: [list(v.shape), str(v.dtype), v.ravel().tolist()] for k, v in t.items()}}))
            """
        let model = try TransformerLanguageModel(name: "tiny", shape: TransformerShape(vocabulary: 5, width: 4, layers: 1, heads: 2, ffn: 8,
                                                                                   positions: 8, context: 4, layout: .postNorm, paddingIndex: 1), seed: 9)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-reference-\(getpid())")
        defer { try? FileManager.default.removeItem(at: out) }
        try model.saveCheckpoint(to: out)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, out.appendingPathComponent(TransformerLanguageModel.weightsFile).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(process.terminationStatus == 0, "python3 could not read our file (scripts/setup installs safetensors): \(stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(json["meta"] as? [String: String] == ["format": "pt"])
        let tensors = try #require(json["tensors"] as? [String: [Any]])
        #expect(Set(tensors.keys) == Set(model.parameters.slots.map(\.name)))
        for slot in model.parameters.slots {
            let entry = try #require(tensors[slot.name])
            #expect(entry[0] as? [Int] == slot.shape && entry[1] as? String == "float32", "\(slot.name)")
            #expect((entry[2] as? [Double])?.map { Float($0) } == model.parameters.valueArray(slot), "\(slot.name)")
        }
    }
}
