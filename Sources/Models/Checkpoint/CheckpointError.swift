// Errors of reading and writing model checkpoints (safetensors files, config.json, tokenizer files).

/// A checkpoint file that cannot be read or does not fit the model.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// A safetensors file that is malformed: the reason, with the file when known.
    case malformed(file: String, String)
    /// config.json without a needed key, or with a value this implementation does not support.
    case badConfig(String)
    /// A tensor the model needs is not in the checkpoint.
    case missingTensor(file: String, name: String)
    /// A tensor whose shape differs from the model's.
    case shapeMismatch(name: String, got: [Int], expected: [Int])
    /// A tokenizer file that cannot be parsed.
    case badTokenizer(String)

    public var description: String {
        switch self {
        case let .malformed(file, reason): return "\(file): not a valid safetensors file: \(reason)"
        case let .badConfig(reason): return "config.json: \(reason)"
        case let .missingTensor(file, name): return "\(file): no tensor \(name)"
        case let .shapeMismatch(name, got, expected): return "tensor \(name) has shape \(got), the model expects \(expected)"
        case let .badTokenizer(reason): return "tokenizer: \(reason)"
        }
    }
}
