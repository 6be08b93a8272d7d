#!/usr/bin/env python3
"""PyTorch twin of `sweep-bench models`: training samples per second of one seed model.

The same models, sizes and step as Sources/SweepBench/ModelsBenchmark.swift: random data preloaded,
forward, cross-entropy, backward, plain SGD update (torch.optim.SGD, no momentum); for the SNLI NLINet
(`nli_*`) the study's step of experiments/snli/train.py, two SGD updates. Prints two numbers:
samples/s (tokens/s for the LSTM language model, pairs/s for NLINet), and samples per second of process CPU time (which the
shared machine's other load disturbs less). `sweep-bench models --torch PYTHON` calls it once per
configuration and repetition, alternating with its own measurement.

    python3 scripts/bench-torch-models.py --model resnet20 --batch 64 --threads 1 --seconds 1.5
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BPTT, VOCABULARY = 35, 10_000
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
    if model.startswith("nli_"):
        encoder, size = {"nli_lstm": (LSTMEncoder, NLI_HIDDEN), "nli_convnet": (ConvNetEncoder, 8 * NLI_HIDDEN),
                         "nli_infersent": (InferSent, 2 * NLI_HIDDEN)}[model]
        pairs = (sentences(batch, 14), sentences(batch, 8))
        return NLINet(encoder(), size), pairs, torch.arange(batch) % 3, batch
    if model == "lstm":
        tokens = torch.randint(VOCABULARY, (BPTT + 1, batch), generator=generator)
        return LanguageModel(), tokens[:-1], tokens[1:].reshape(-1), batch * BPTT
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
    parser.add_argument("--model", required=True, choices=["logreg", "fc", "mnist", "cifar10", "resnet20", "lstm",
                                                               "nli_lstm", "nli_convnet", "nli_infersent"])
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

    def step():
        nonlocal hidden
        optimizer.zero_grad()
        if hidden is not None:
            hidden = tuple(h.detach() for h in hidden)
            logits, hidden = net(x, hidden)
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
