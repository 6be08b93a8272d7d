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
