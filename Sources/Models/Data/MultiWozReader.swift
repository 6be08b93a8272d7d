// MultiWoZ in the critical-gradient study's prepared form (`experiments/multiwoz_lstm`, made by its
// `create_delex_data.py`): `train_dials.json`, `val_dials.json`, `test_dials.json` map a dialogue name to
// `{"usr": [...], "sys": [...], "db": [[...]], "bs": [[...]]}` (one entry per turn), and
// `input_lang.word2index.json` / `output_lang.word2index.json` number the words (SOS 0, EOS 1, UNK 2,
// PAD 3). As `utils/util.py: loadDialogue` does, an utterance is `strip(' ').split(' ')` (so doubled spaces
// give empty words, which are UNK), each word is numbered (UNK 2 when unknown), and EOS is appended.
// Dialogues keep the files' order (the original's `random.shuffle(list(dials))` shuffles a copy).
import Foundation

public enum MultiWozReader {
    public static let files = DataFiles(folders: ["multiwoz", "multiwoz_lstm", "data"],
                                        files: [["train_dials.json"], ["val_dials.json"], ["test_dials.json"],
                                                ["input_lang.word2index.json"], ["output_lang.word2index.json"]])

    /// Reads the five files (paths in `files` order).
    public static func load(_ paths: [String], limits: SplitLimits) throws -> DialogueSplits {
        let input = try vocabulary(paths[3]), output = try vocabulary(paths[4])
        var sets: [DialogueSet] = []
        for (k, path) in paths[0..<3].enumerated() {
            sets.append(try dialogues(path, input: input.ids, output: output.ids, limit: [limits.train, limits.valid, limits.test][k]))
        }
        let (db, bs) = (sets[0].dbSize, sets[0].bsSize)
        for (k, set) in sets.enumerated() where set.dbSize != db || set.bsSize != bs {
            throw DataError(.unexpectedShape(found: [set.dbSize, set.bsSize], expected: [db, bs]), file: paths[k])
        }
        return DialogueSplits(inputVocabulary: input.words, outputVocabulary: output.words, train: sets[0], valid: sets[1], test: sets[2])
    }

    /// A `word2index` file: the id of each word, and the words by id.
    static func vocabulary(_ path: String) throws -> (ids: [String: Int32], words: [String]) {
        guard let object = try parse(path) as? [String: Any] else {
            throw DataError(.badToken(line: 1, token: "", expected: "a JSON object mapping words to ids"), file: path)
        }
        var ids: [String: Int32] = [:]
        for (word, value) in object {
            guard let id = (value as? NSNumber)?.intValue ?? (value as? String).flatMap({ Int($0) }), id >= 0 else {
                throw DataError(.badNumber(line: 1, column: word, text: "\(value)"), file: path)
            }
            ids[word] = Int32(id)
        }
        let size = Int(ids.values.max() ?? -1) + 1
        guard size > Int(DialogueSplits.padding) else { throw DataError(.empty(what: "the vocabulary (it needs SOS, EOS, UNK, PAD)"), file: path) }
        var words = [String](repeating: "", count: size)
        for (word, id) in ids { words[Int(id)] = word }
        return (ids, words)
    }

    static func dialogues(_ path: String, input: [String: Int32], output: [String: Int32], limit: Int?) throws -> DialogueSet {
        let bytes = try FileBytes.read(path)
        guard let object = try parse(path, bytes: bytes) as? [String: Any] else {
            throw DataError(.badToken(line: 1, token: "", expected: "a JSON object mapping dialogue names to dialogues"), file: path)
        }
        let names = topLevelKeys(bytes)
        var set: DialogueSet?
        func number(_ utterance: String, _ ids: [String: Int32]) -> [Int32] {
            utterance.trimmingCharacters(in: CharacterSet(charactersIn: " ")).split(separator: " ", omittingEmptySubsequences: false)
                .map { ids[String($0)] ?? DialogueSplits.unknown } + [DialogueSplits.eos]
        }
        for name in names.isEmpty ? object.keys.sorted() : names {
            if let limit, let set, set.count >= limit { break }
            guard let dialogue = object[name] as? [String: Any], let usr = dialogue["usr"] as? [String], let sys = dialogue["sys"] as? [String],
                  let db = dialogue["db"] as? [[NSNumber]], let bs = dialogue["bs"] as? [[NSNumber]] else {
                throw DataError(.missingColumn(column: "usr, sys, db, bs (in dialogue \(name))", header: (object[name] as? [String: Any])?.keys.sorted() ?? []),
                                file: path)
            }
            guard usr.count == sys.count, db.count == usr.count, bs.count == usr.count else {
                throw DataError(.countMismatch(images: usr.count, labels: sys.count, labelFile: "\(name): usr/sys/db/bs turns"), file: path)
            }
            if set == nil { set = DialogueSet(dbSize: db.first?.count ?? 0, bsSize: bs.first?.count ?? 0, padding: DialogueSplits.padding) }
            set!.startDialogue()
            for turn in usr.indices {
                guard db[turn].count == set!.dbSize, bs[turn].count == set!.bsSize else {
                    throw DataError(.unexpectedShape(found: [db[turn].count, bs[turn].count], expected: [set!.dbSize, set!.bsSize]), file: path)
                }
                set!.append(input: number(usr[turn], input), target: number(sys[turn], output), db: db[turn].map { $0.floatValue },
                            bs: bs[turn].map { $0.floatValue })
                set!.responses.append(sys[turn])
            }
        }
        guard let set, set.count > 0 else { throw DataError(.empty(what: "the dialogue file"), file: path) }
        return set
    }

    static func parse(_ path: String, bytes: [UInt8]? = nil) throws -> Any {
        let data = Data(try bytes ?? FileBytes.read(path))
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw DataError(.badToken(line: 1, token: "", expected: "valid JSON (\(error.localizedDescription))"), file: path)
        }
    }

    /// The keys of the top-level JSON object in file order (JSONSerialization's dictionaries lose it).
    static func topLevelKeys(_ bytes: [UInt8]) -> [String] {
        var keys: [String] = []
        var depth = 0, i = 0, expectKey = false
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): expectKey = depth == 1
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                if expectKey && depth == 1, j <= bytes.count,
                   let key = try? JSONSerialization.jsonObject(with: Data(bytes[i...min(j, bytes.count - 1)]), options: .fragmentsAllowed) as? String {
                    keys.append(key)
                }
                expectKey = false
                i = j
            default: break
            }
            i += 1
        }
        return keys
    }
}
