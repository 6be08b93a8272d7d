#!/usr/bin/env python3
"""Writes Tests/Fixtures/tokenizer/: a small byte-level BPE (vocab.json, merges.txt) trained with the
reference tokenizers library (pip install tokenizers) in RoBERTa's form (special tokens <s> <pad> </s>
<unk> <mask> at ids 0-4, no prefix space, GPT-2's pre-tokenisation pattern), and cases.json: the
library's tokenisation (tokens and ids, with RoBERTa's <s> … </s> around them) of sentences that
exercise contractions, numbers, punctuation, runs of spaces, newlines, accents, CJK and emoji.
"""
import json, os
from tokenizers import ByteLevelBPETokenizer
from tokenizers.processors import RobertaProcessing

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "tokenizer")
os.makedirs(out, exist_ok=True)
corpus = [
    "i would like to book a table for two people at 7pm .",
    "the restaurant is in the centre of town and serves italian food .",
    "can you help me find a hotel with free parking and wifi ?",
    "there are 3 trains leaving cambridge on saturday after 10:15 .",
    "I'm looking for a cheap guesthouse; it doesn't need to have stars.",
    "We've booked it, your reference number is XK42J9.",
    "Thank you, that's all I need today. Goodbye!",
    "Café crème, naïve résumé, 東京 and 😀 are fine too.",
] * 20
tokenizer = ByteLevelBPETokenizer(add_prefix_space=False)
tokenizer.train_from_iterator(corpus, vocab_size=420, min_frequency=2,
                              special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
tokenizer.save_model(out)
tokenizer.post_processor = RobertaProcessing(("</s>", 2), ("<s>", 0))
sentences = [
    "i would like to book a table for two people at 7pm .",
    "I'm looking for a hotel; it doesn't need parking.",
    "They'll arrive at 10:15, we've 12345 tickets and you'd  like   more?",
    "Café crème — naïve résumé!",
    "東京 to London 😀😀",
    "  leading spaces and trailing spaces   ",
    "line one\nline two\n\n\ttabbed",
    "unseen words: xylophone quixotic zebra",
    "",
]
cases = []
for text in sentences:
    encoding = tokenizer.encode(text)
    cases.append({"text": text, "tokens": encoding.tokens, "ids": encoding.ids})
json.dump({"source": "tokenizers %s ByteLevelBPETokenizer(add_prefix_space=False), RobertaProcessing" % __import__("tokenizers").__version__,
           "cases": cases}, open(os.path.join(out, "cases.json"), "w"), indent=1, ensure_ascii=False)
print("wrote", out, "vocab", tokenizer.get_vocab_size())
