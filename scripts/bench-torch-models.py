#!/usr/bin/env python3
"""PyTorch twin of `sweep-bench models`: training samples per second of one seed model.

The same models, sizes and step as Sources/SweepBench/ModelsBenchmark.swift: random data preloaded,
forward, cross-entropy (plus AR and TAR for the QRNN language models), backward, plain SGD update
(torch.optim.SGD, no momentum); for the SNLI NLINet (`nli_*`) the study's step of experiments/snli/train.py,
two SGD updates. Prints two numbers: samples/s (tokens/s for the language models, pairs/s for NLINet), and
samples per second of process CPU time (which the shared machine's other load disturbs less).
`sweep-bench models --torch PYTHON` calls it once per configuration and repetition, alternating with its
own measurement.

    python3 scripts/bench-torch-models.py --model resnet20 --batch 64 --threads 1 --seconds 1.5
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BPTT, VOCABULARY = 35, 10_000
CONTEXT, DROPOUT = 128, 0.1
NLI_VOCABULARY, NLI_VECTORS, NLI_HIDDEN, NLI_FC, MAX_NORM = 36_000, 300, 200, 200, 5.0


class MnistConvNet(nn.Module):
    """seeds.md §1.11: conv 1→10 k5, maxpool, relu, conv 10→20 k5, Dropout2d, maxpool, relu, fc 320→50→10."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 10, 5), nn.Conv2d(10, 20, 5)
        self.drop2d = nn.Dropout2d(0.5)
        self.fc1, self.fc2 = nn.Linear(320, 50), nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.drop2d(self.conv2(x)), 2))
        x = F.dropout(F.relu(self.fc1(x.flatten(1))), 0.5, self.training)
        return self.fc2(x)


class Cifar10ConvNet(nn.Module):
    """seeds.md §1.12: LeNet-5 style."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(3, 6, 5), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc3(F.relu(self.fc2(x)))


class BasicBlock(nn.Module):
    def __init__(self, inputs, width, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, width, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.downsample = None
        if stride != 1 or inputs != width:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, width, 1, stride, bias=False), nn.BatchNorm2d(width))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    """CIFAR ResNet of depth 6n+2 with 1×1 conv + BN projection shortcuts (seeds.md §1.12)."""

    def __init__(self, depth=20, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1, self.bn1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)
        blocks, inputs = [], 16
        for width, stride in [(16, 1), (32, 2), (64, 2)]:
            for block in range(n):
                blocks.append(BasicBlock(inputs, width, stride if block == 0 else 1))
                inputs = width
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = self.blocks(F.relu(self.bn1(self.conv1(x))))
        return self.fc(x.mean((2, 3)))


class LanguageModel(nn.Module):
    """seeds.md §1.13: embedding 64 → LSTM 128 → decoder, hidden state carried and detached."""

    def __init__(self):
        super().__init__()
        self.encoder, self.rnn, self.decoder = nn.Embedding(VOCABULARY, 64), nn.LSTM(64, 128), nn.Linear(128, VOCABULARY)

    def forward(self, tokens, hidden):
        output, hidden = self.rnn(self.encoder(tokens), hidden)
        return self.decoder(output).view(-1, VOCABULARY), hidden


class LockedDropout(nn.Module):
    """AWD's variational dropout: one [1, B, N] mask shared over all time steps."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        mask = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - self.p) / (1 - self.p)
        return x * mask


class QRNNLayer(nn.Module):
    """pytorch-qrnn 0.2.1's QRNNLayer as alternate_sg runs it on CPU (alt_sg.md §2.2): window 1 or 2 with the
    previous input saved across calls, output gate, zoneout 0, weight drop (DropConnect on W, always installed),
    and CPUForgetMult, the forget-mult as a Python loop over time steps."""

    def __init__(self, inputs, hidden, window, wdrop):
        super().__init__()
        self.hidden, self.window, self.wdrop = hidden, window, wdrop
        self.linear = nn.Linear(window * inputs, 3 * hidden)
        self.prevX = None

    def forward(self, x, c0):
        source = x
        if self.window == 2:
            xm1 = torch.cat([self.prevX if self.prevX is not None else x[:1] * 0, x[:-1]], 0)
            source = torch.cat([x, xm1], 2)
            self.prevX = x[-1:].detach()
        weight = F.dropout(self.linear.weight, self.wdrop, self.training)
        y = F.linear(source, weight, self.linear.bias)
        z, f, o = y.chunk(3, dim=2)
        z, f, o = torch.tanh(z), torch.sigmoid(f), torch.sigmoid(o)
        cells, prev, forgets = [], c0, f.split(1, dim=0)
        for t, h in enumerate((f * z).split(1, dim=0)):
            if prev is not None:
                h = h + (1 - forgets[t]) * prev
            h = h.view(h.size()[1:])
            cells.append(h)
            prev = h
        c = torch.stack(cells)
        return o * c, c[-1:]


class QRNNLanguageModel(nn.Module):
    """alternate_sg's tied RNNModel with --model QRNN (alt_sg.md §2.1): embedding dropout, locked dropout on
    input, between layers and on the output, a decoder sharing the embedding; the loss adds AR and TAR."""

    def __init__(self, vocabulary, emsize, nhid, nlayers, dropoute=0.1, dropouti=0.4, dropouth=0.3, dropout=0.4,
                 wdrop=0.1, alpha=2, beta=1):
        super().__init__()
        self.encoder = nn.Embedding(vocabulary, emsize)
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        self.decoder_bias = nn.Parameter(torch.zeros(vocabulary))
        sizes = [emsize] + [nhid] * (nlayers - 1) + [emsize]
        self.rnns = nn.ModuleList(QRNNLayer(sizes[l], sizes[l + 1], 2 if l == 0 else 1, wdrop) for l in range(nlayers))
        self.lockdrop_i, self.lockdrop_h, self.lockdrop = LockedDropout(dropouti), LockedDropout(dropouth), LockedDropout(dropout)
        self.dropoute, self.alpha, self.beta = dropoute, alpha, beta

    def embed(self, tokens):
        weight = self.encoder.weight
        if self.training and self.dropoute > 0:
            keep = weight.new_empty(weight.size(0), 1).bernoulli_(1 - self.dropoute) / (1 - self.dropoute)
            weight = weight * keep
        return F.embedding(tokens, weight, padding_idx=-1)  # row V-1: no lookup gradient (alt_sg.md §2.5)

    def loss(self, tokens, targets, hidden):
        x = self.lockdrop_i(self.embed(tokens))
        states = []
        for l, rnn in enumerate(self.rnns):
            raw, c = rnn(x, hidden[l])
            states.append(c)
            x = self.lockdrop_h(raw) if l < len(self.rnns) - 1 else raw
        output = self.lockdrop(raw)
        logits = output.view(-1, output.size(2)) @ self.encoder.weight.t() + self.decoder_bias
        loss = F.cross_entropy(logits, targets)
        loss = loss + self.alpha * output.pow(2).mean() + self.beta * (raw[1:] - raw[:-1]).pow(2).mean()
        return loss, states


QRNN_SIZES = {"qrnn": (2_000, 128, 128, 2), "qrnn1550": (10_000, 400, 1550, 4)}


class SelfAttention(nn.Module):
    """Separate query, key and value projections (as ours and RoBERTa's), causal attention with dropout
    on the probabilities (PyTorch's scaled_dot_product_attention), output projection."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = nn.Linear(width, width), nn.Linear(width, width), nn.Linear(width, width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        b, t, c = x.shape

        def split(y):
            return y.view(b, t, self.heads, c // self.heads).transpose(1, 2)

        y = F.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)), split(self.value(x)),
                                           dropout_p=DROPOUT if self.training else 0.0, is_causal=True)
        return self.proj(y.transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    """One transformer block: pre-LN (GPT-2) `x + drop(attn(LN(x)))`, `x + drop(ffn(LN(x)))`, or post-LN
    (RoBERTa) `LN(x + drop(attn(x)))`, `LN(x + drop(ffn(x)))`; FFN width → ffn → width with exact GELU."""

    def __init__(self, width, heads, ffn, pre_norm):
        super().__init__()
        self.pre_norm = pre_norm
        self.attn, self.ln1, self.ln2 = SelfAttention(width, heads), nn.LayerNorm(width, eps=1e-5), nn.LayerNorm(width, eps=1e-5)
        self.fc, self.fc2 = nn.Linear(width, ffn), nn.Linear(ffn, width)

    def ffn(self, x):
        return F.dropout(self.fc2(F.gelu(self.fc(x))), DROPOUT, self.training)

    def forward(self, x):
        if self.pre_norm:
            x = x + F.dropout(self.attn(self.ln1(x)), DROPOUT, self.training)
            return x + self.ffn(self.ln2(x))
        x = self.ln1(x + F.dropout(self.attn(x), DROPOUT, self.training))
        return self.ln2(x + self.ffn(x))


class TransformerLM(nn.Module):
    """transformer_lm (pre_norm: GPT-2 layout, final LayerNorm, head tied to the token embedding without
    bias) or roberta_lm (post-norm: RobertaForCausalLM with is_decoder — token-type row and LayerNorm on
    the embeddings, positions from padding_idx + 1 = 2, head dense → GELU → LayerNorm → tied decoder + bias)."""

    def __init__(self, vocabulary, width, layers, heads, pre_norm):
        super().__init__()
        self.pre_norm = pre_norm
        self.word = nn.Embedding(vocabulary, width)
        self.first_position = 0 if pre_norm else 2
        self.position = nn.Embedding(CONTEXT + self.first_position, width)
        self.blocks = nn.ModuleList(Block(width, heads, 4 * width, pre_norm) for _ in range(layers))
        self.norm = nn.LayerNorm(width, eps=1e-5)
        if not pre_norm:
            self.token_type = nn.Parameter(torch.zeros(width))
            self.embedding_norm = nn.LayerNorm(width, eps=1e-5)
            self.dense = nn.Linear(width, width)
            self.head_bias = nn.Parameter(torch.zeros(vocabulary))

    def forward(self, tokens):
        positions = torch.arange(self.first_position, self.first_position + tokens.shape[1])
        x = self.word(tokens) + self.position(positions)
        if not self.pre_norm:
            x = self.embedding_norm(x + self.token_type)
        x = F.dropout(x, DROPOUT, self.training)
        for block in self.blocks:
            x = block(x)
        if self.pre_norm:
            return F.linear(self.norm(x), self.word.weight).flatten(0, 1)
        return F.linear(self.norm(F.gelu(self.dense(x))), self.word.weight, self.head_bias).flatten(0, 1)


class LSTMEncoder(nn.Module):
    """experiments/snli/infersent_comp/models.py: sort by length, pack, 1-layer LSTM, h_n, unsort."""

    def __init__(self):
        super().__init__()
        self.enc_lstm = nn.LSTM(NLI_VECTORS, NLI_HIDDEN, 1, bidirectional=False)

    def forward(self, sent, sent_len):
        sent_len_sorted, idx_sort = np.sort(sent_len)[::-1], np.argsort(-sent_len)
        sent = sent.index_select(1, torch.from_numpy(idx_sort))
        packed = nn.utils.rnn.pack_padded_sequence(sent, sent_len_sorted.copy())
        output = self.enc_lstm(packed)[1][0].squeeze(0)
        return output.index_select(0, torch.from_numpy(np.argsort(idx_sort)))


class InferSent(nn.Module):
    """The same, bidirectional; the output padded with zeros and max-pooled over all steps (max_pad)."""

    def __init__(self):
        super().__init__()
        self.enc_lstm = nn.LSTM(NLI_VECTORS, NLI_HIDDEN, 1, bidirectional=True)

    def forward(self, sent, sent_len):
        sent_len_sorted, idx_sort = np.sort(sent_len)[::-1], np.argsort(-sent_len)
        sent = sent.index_select(1, torch.from_numpy(idx_sort))
        packed = nn.utils.rnn.pack_padded_sequence(sent, sent_len_sorted.copy())
        output = nn.utils.rnn.pad_packed_sequence(self.enc_lstm(packed)[0])[0]
        output = output.index_select(1, torch.from_numpy(np.argsort(idx_sort)))
        return torch.max(output, 0)[0]


class ConvNetEncoder(nn.Module):
    """4 × conv1d(k 3, pad 1, 2H) + ReLU over the padded sentence, a max over time after each."""

    def __init__(self):
        super().__init__()
        widths = [NLI_VECTORS] + [2 * NLI_HIDDEN] * 4
        self.convnets = nn.ModuleList(nn.Sequential(nn.Conv1d(widths[k], widths[k + 1], 3, 1, 1), nn.ReLU(inplace=True))
                                      for k in range(4))

    def forward(self, sent, sent_len):
        sent = sent.transpose(0, 1).transpose(1, 2).contiguous()
        pooled = []
        for convnet in self.convnets:
            sent = convnet(sent)
            pooled.append(torch.max(sent, 2)[0])
        return torch.cat(pooled, 1)


class NLINet(nn.Module):
    """Frozen embedding, shared encoder, [u, v, |u-v|, u*v], dropout-linear-ReLU ×2, dropout-linear."""

    def __init__(self, encoder, sentence_size):
        super().__init__()
        generator = torch.Generator().manual_seed(1)
        self.embedding = nn.Embedding(NLI_VOCABULARY, NLI_VECTORS)
        self.embedding.weight.data = torch.rand(NLI_VOCABULARY, NLI_VECTORS, generator=generator) - 0.5
        self.embedding.weight.requires_grad = False
        self.encoder = encoder
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(4 * sentence_size, NLI_FC), nn.ReLU(),
                                        nn.Dropout(0.2), nn.Linear(NLI_FC, NLI_FC), nn.ReLU(),
                                        nn.Dropout(0.2), nn.Linear(NLI_FC, 3))

    def forward(self, pairs):
        (s1, s1_len), (s2, s2_len) = pairs
        u = self.encoder(self.embedding(s1), s1_len)
        v = self.encoder(self.embedding(s2), s2_len)
        return self.classifier(torch.cat((u, v, torch.abs(u - v), u * v), 1))


def sentences(batch, words):
    """As ModelsBenchmark.swift: <s>, words ± 4 spread over the batch, </s>; padded with 1, (seq, batch)."""
    lengths = np.array([words - 4 + (b * 5) % 9 + 2 for b in range(batch)])
    tokens = torch.ones(lengths.max(), batch, dtype=torch.long)
    for b in range(batch):
        tokens[0, b] = 2
        for t in range(1, lengths[b] - 1):
            tokens[t, b] = 4 + (b * 131 + t * 17) % (NLI_VOCABULARY - 4)
        tokens[lengths[b] - 1, b] = 3
    return tokens, lengths


def build(model, batch):
    """The model, one batch of inputs and targets, and the samples one step trains on."""
    generator = torch.Generator().manual_seed(1)
    images = {"logreg": (1, 28, 28), "fc": (1, 28, 28), "mnist": (1, 28, 28), "cifar10": (3, 32, 32), "resnet20": (3, 32, 32)}
    if model in QRNN_SIZES:
        vocabulary, emsize, nhid, nlayers = QRNN_SIZES[model]
        tokens = torch.randint(vocabulary, (BPTT + 1, batch), generator=generator)
        return QRNNLanguageModel(vocabulary, emsize, nhid, nlayers), tokens[:-1], tokens[1:].reshape(-1), batch * BPTT
    if model.startswith("nli_"):
        encoder, size = {"nli_lstm": (LSTMEncoder, NLI_HIDDEN), "nli_convnet": (ConvNetEncoder, 8 * NLI_HIDDEN),
                         "nli_infersent": (InferSent, 2 * NLI_HIDDEN)}[model]
        pairs = (sentences(batch, 14), sentences(batch, 8))
        return NLINet(encoder(), size), pairs, torch.arange(batch) % 3, batch
    if model == "lstm":
        tokens = torch.randint(VOCABULARY, (BPTT + 1, batch), generator=generator)
        return LanguageModel(), tokens[:-1], tokens[1:].reshape(-1), batch * BPTT
    if model in ("transformer", "roberta"):
        vocabulary, width, layers, heads = (VOCABULARY, 256, 4, 4) if model == "transformer" else (50_265, 768, 12, 12)
        tokens = torch.randint(vocabulary, (batch, CONTEXT + 1), generator=generator)
        net = TransformerLM(vocabulary, width, layers, heads, pre_norm=model == "transformer")
        return net, tokens[:, :-1], tokens[:, 1:].reshape(-1), batch * CONTEXT
    net = {
        "logreg": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)),
        "fc": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 1000), nn.ReLU(), nn.Linear(1000, 1000), nn.ReLU(),
                                    nn.Linear(1000, 10)),
        "mnist": MnistConvNet,
        "cifar10": Cifar10ConvNet,
        "resnet20": lambda: ResNet(20),
    }[model]()
    x = torch.rand((batch,) + images[model], generator=generator) * 2 - 1
    return net, x, torch.randint(10, (batch,), generator=generator), batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, choices=["logreg", "fc", "mnist", "cifar10", "resnet20", "lstm", "qrnn", "qrnn1550",
                                                          "transformer", "roberta", "nli_lstm", "nli_convnet", "nli_infersent"])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    net, x, y, samples = build(args.model, args.batch)
    net.train()
    parameters = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(parameters, lr=1e-3)
    study = args.model.startswith("nli_")
    hidden = None
    if args.model == "lstm":
        hidden = (torch.zeros(1, args.batch, 128), torch.zeros(1, args.batch, 128))
    if args.model in QRNN_SIZES:
        hidden = [None] * len(net.rnns)  # the cells c_T carried from window to window

    def step():
        nonlocal hidden
        optimizer.zero_grad()
        if args.model in QRNN_SIZES:
            hidden = [None if c is None else c.detach() for c in hidden]
            loss, hidden = net.loss(x, y, hidden)
            loss.backward()
        elif hidden is not None:
            hidden = tuple(h.detach() for h in hidden)
            logits, hidden = net(x, hidden)
            F.cross_entropy(logits, y).backward()
        else:
            logits = net(x)
            F.cross_entropy(logits, y).backward()
        optimizer.step()
        if study:
            second_update()

    def second_update():
        """experiments/snli/train.py: the gradient ÷ batch size, the lr shrunk to a norm of at most 5, step again."""
        total_norm = 0
        for p in parameters:
            p.grad.data.div_(args.batch)
            total_norm += p.grad.data.norm() ** 2
        total_norm = np.sqrt(float(total_norm))
        shrink_factor = MAX_NORM / total_norm if total_norm > MAX_NORM else 1
        current_lr = optimizer.param_groups[0]["lr"]
        optimizer.param_groups[0]["lr"] = current_lr * shrink_factor
        optimizer.step()
        optimizer.param_groups[0]["lr"] = current_lr

    step()
    step()
    steps, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= args.seconds and steps >= 3:
            break
    cpu = time.process_time() - cpu_start
    print(f"{steps * samples / elapsed:.1f} {steps * samples / cpu:.1f}")


if __name__ == "__main__":
    main()
