#!/usr/bin/env python3
"""PyTorch twin of `sweep-bench models`: training samples per second of one seed model.

The same models, sizes and step as Sources/SweepBench/ModelsBenchmark.swift: random data preloaded,
forward, cross-entropy, backward, plain SGD update (torch.optim.SGD, no momentum). Prints two numbers:
samples/s (tokens/s for the LSTM language model), and samples per second of process CPU time (which the
shared machine's other load disturbs less). `sweep-bench models --torch PYTHON` calls it once per
configuration and repetition, alternating with its own measurement.

    python3 scripts/bench-torch-models.py --model resnet20 --batch 64 --threads 1 --seconds 1.5
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BPTT, VOCABULARY = 35, 10_000


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


def build(model, batch):
    """The model, one batch of inputs and targets, and the samples one step trains on."""
    generator = torch.Generator().manual_seed(1)
    images = {"logreg": (1, 28, 28), "fc": (1, 28, 28), "mnist": (1, 28, 28), "cifar10": (3, 32, 32), "resnet20": (3, 32, 32)}
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
    parser.add_argument("--model", required=True, choices=["logreg", "fc", "mnist", "cifar10", "resnet20", "lstm"])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    net, x, y, samples = build(args.model, args.batch)
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=1e-3)
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
