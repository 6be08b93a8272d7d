// The data of the study's MultiWoZ transformer fine-tuning (experiments/multiwoz_transformer): the
// `multiwoz_trans_{train,valid,test}.csv` files of transformer_preprocess.py (one dialogue state a row:
// response, context, context/0, …, newest first, padded with "<pad>" utterances), turned into token
// examples and padded batches as train.py does. Not yet a dataset of the catalog (issue 17).

/// MultiWoZ conversations as RoBERTa token examples.
public enum MultiWozConversations {
    /// The rows of a CSV file as Python's csv module writes it (header line included): comma-separated
    /// fields, double-quoted when they hold commas, quotes or line breaks, `""` for a quote inside.
    public static func rows(csv text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, atFieldStart = true
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart: quoted = true; atFieldStart = false
            case ",": row.append(field); field = ""; atFieldStart = true
            case "\n", "\r\n", "\r":
                row.append(field)
                if row != [""] { rows.append(row) }
                row = []; field = ""; atFieldStart = true
            default: field.append(c); atFieldStart = false
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// One row's conversation (train.py's `construct_conv`): the utterances oldest first (the row
    /// reversed), each as `<s> … </s>` followed by one more `</s>`, concatenated.
    public static func conversation(_ row: [String], tokenizer: ByteLevelBPE) -> [Int32] {
        row.reversed().flatMap { tokenizer.encodeRoberta($0) + [tokenizer.eos] }
    }

    /// The examples of a file's rows without its header (ConversationDataset): rows with an empty field
    /// are dropped (pandas' `dropna`), and conversations longer than `blockSize − 2` tokens too (train.py
    /// keeps whole dialogues and never cuts one; RoBERTa's block of 512 holds 510 tokens).
    public static func examples(_ rows: [[String]], tokenizer: ByteLevelBPE, blockSize: Int = 512) -> [[Int32]] {
        rows.filter { !$0.contains("") }.map { conversation($0, tokenizer: tokenizer) }.filter { $0.count <= blockSize - 2 }
    }

    /// A batch as train.py's collate builds it: examples padded at the end with `pad` to the longest
    /// (`pad_sequence`), labels = inputs, pads included (the study does not mask them). As `targets`
    /// for `TransformerLanguageModel.step`: the next token at each position, none (−1) at the last.
    public static func batch<Examples: Collection>(_ examples: Examples, pad: Int32)
        -> (tokens: [Int32], targets: [Int32], sequences: Int, steps: Int) where Examples.Element == [Int32] {
        let steps = examples.map(\.count).max() ?? 0
        var tokens: [Int32] = [], targets: [Int32] = []
        for example in examples {
            let padded = example + Array(repeating: pad, count: steps - example.count)
            tokens += padded
            targets += padded.dropFirst() + [-1]
        }
        return (tokens, targets, examples.count, steps)
    }
}

/// Token examples per split, each a whole conversation, with the id batches are padded with.
public struct ConversationSplits: Sendable {
    public var train: [[Int32]]
    public var valid: [[Int32]]
    public var test: [[Int32]]
    public var pad: Int32

    public init(train: [[Int32]], valid: [[Int32]], test: [[Int32]], pad: Int32) {
        self.train = train
        self.valid = valid
        self.test = test
        self.pad = pad
    }

    /// Batch `index` of `examples` taken in `order` (nil: file order), `size` examples each, as a
    /// window (T, S) for a language model: `TokenBatch` targets are the next tokens, −1 at the last position.
    public static func window(_ index: Int, of examples: [[Int32]], order: [Int]?, size: Int, pad: Int32) -> TokenBatch {
        let picked = (index * size..<(index + 1) * size).map { examples[order?[$0] ?? $0] }
        let batch = MultiWozConversations.batch(picked, pad: pad)
        var inputs = [Int32](repeating: 0, count: batch.tokens.count), targets = inputs
        for s in 0..<batch.sequences {
            for t in 0..<batch.steps {
                inputs[t * batch.sequences + s] = batch.tokens[s * batch.steps + t]
                targets[t * batch.sequences + s] = batch.targets[s * batch.steps + t]
            }
        }
        return TokenBatch(inputs: inputs, targets: targets, steps: batch.steps, streams: batch.sequences)
    }
}
