// The `multiwoz_roberta` dataset: the study's MultiWoZ transformer fine-tuning data, tokenised with a RoBERTa
// tokenizer (see MultiWozConversations).
import Foundation
import Vocabulary

extension DatasetCatalog {
    static let multiwozRoberta: DatasetEntry = {
        let tokenizer = KeySpec("tokenizer", .string, absent: KeySpec.required,
                                "folder with vocab.json and merges.txt (the checkpoint's, e.g. roberta-base)")
        let blockSize = KeySpec("block_size", .integer(3...100_000), .number(512),
                                "the study's block: conversations longer than block_size − 2 tokens are left out")
        let files = DataFiles(folders: ["multiwoz"], files: [["multiwoz_trans_train.csv"], ["multiwoz_trans_valid.csv"],
                                                              ["multiwoz_trans_test.csv"]])
        return DatasetEntry(
            name: "multiwoz_roberta", summary: "MultiWoZ dialogues for causal-LM fine-tuning, one conversation an example (RoBERTa BPE ids)",
            settings: [DatasetKeys.dataPath, tokenizer, blockSize],
            source: "experiments/multiwoz_transformer/transformer_preprocess.py of the critical-gradient study (multiwoz_trans_*.csv)",
            layout: layout(files),
            shapeOf: { settings in
                _ = try settings.dataPath()
                guard settings.isGiven(tokenizer) else { throw SettingError(key: "tokenizer", "is required: the folder with vocab.json and merges.txt") }
                _ = try settings.string(tokenizer)
                _ = try settings.integer(blockSize)
                return .tokens
            },
            loader: { settings, _, searchPaths in
                let paths = try DataLocator.locate(files, dataPath: try settings.dataPath(), searchPaths: searchPaths)
                let bpe: ByteLevelBPE
                do { bpe = try ByteLevelBPE(folder: URL(fileURLWithPath: try settings.string(tokenizer))) } catch let error as CheckpointError {
                    throw SettingError(key: "tokenizer", error.description)
                }
                let block = try settings.integer(blockSize)
                func split(_ path: String) throws -> [[Int32]] {
                    let text = try String(contentsOfFile: path, encoding: .utf8)
                    return MultiWozConversations.examples(Array(MultiWozConversations.rows(csv: text).dropFirst()), tokenizer: bpe, blockSize: block)
                }
                let ids = Array(bpe.vocabulary.values)
                let size = Int((ids.max() ?? -1) + 1)
                var words = [String](repeating: "", count: size)
                for (token, id) in bpe.vocabulary { words[Int(id)] = token }
                var splits = TokenSplits(vocabulary: words, train: [], valid: [], test: [])
                splits.conversations = ConversationSplits(train: try split(paths[0]), valid: try split(paths[1]), test: try split(paths[2]),
                                                          pad: bpe.pad)
                return .tokens(splits)
            })
    }()
}
