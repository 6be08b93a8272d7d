// The MultiWoZ fine-tuning data as train.py builds it, with the tokenizer fixture's vocabulary.
import Foundation
import Testing
import Models
import TestSupport

@Suite struct MultiWozConversationsTests {
    @Test func csvRows() {
        let text = "response,context,context/0\n\"Yes, it is.\",\"He said \"\"hi\"\"\",<pad>\r\nok,,x\n"
        #expect(MultiWozConversations.rows(csv: text) == [["response", "context", "context/0"], ["Yes, it is.", "He said \"hi\"", "<pad>"],
                                                           ["ok", "", "x"]])
    }

    @Test func conversationsExamplesAndBatches() throws {
        let tokenizer = try ByteLevelBPE(folder: Fixtures.folder("tokenizer"))
        // "<pad>" in the text is the pad token, as transformers' tokenizer reads it.
        #expect(tokenizer.encodeRoberta("<pad>") == [0, 1, 2])
        #expect(tokenizer.encode("a<pad>b") == tokenizer.encode("a") + [1] + tokenizer.encode("b"))
        let row = ["thank you .", "i would like a table .", "<pad>"]
        let conversation = MultiWozConversations.conversation(row, tokenizer: tokenizer)
        let expected = [0, 1, 2, 2] + tokenizer.encodeRoberta("i would like a table .") + [2] + tokenizer.encodeRoberta("thank you .") + [2]
        #expect(conversation == expected)
        // The fixture's pattern: each utterance <s> … </s> </s>.
        #expect(Array(conversation.suffix(2)) == [2, 2])

        let rows = [row, ["ok", "", "x"], [String(repeating: "table for two ", count: 200), "hi", "<pad>"]]
        let examples = MultiWozConversations.examples(rows, tokenizer: tokenizer, blockSize: 512)
        #expect(examples == [conversation], "the row with an empty field and the one over 510 tokens are dropped")

        let short: [Int32] = [0, 5, 2, 2]
        let batch = MultiWozConversations.batch([conversation, short], pad: tokenizer.pad)
        #expect(batch.sequences == 2 && batch.steps == conversation.count)
        #expect(Array(batch.tokens[batch.steps...]) == short + Array(repeating: 1, count: batch.steps - 4))
        #expect(batch.targets[batch.steps - 1] == -1 && batch.targets[batch.steps + 3] == 1 && batch.targets[0] == conversation[1])
    }
}
