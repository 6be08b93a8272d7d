#!/usr/bin/env python3
"""PyTorch (MKL sgemm, oneDNN conv) at the shapes of `sweep-bench gemm`, on 1 and 2 threads.

Not part of the product (sweep has no Python): a yardstick for the kernels. With --sweep-bench PATH
it first runs that binary's `gemm` benchmark, then torch, and prints both side by side with the
ratio, so the comparison comes from one run on one machine state.

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy
    swift build -c release
    /tmp/torchenv/bin/python scripts/bench-torch-gemm.py --sweep-bench .build/release/sweep-bench

(`pip install torch` from PyPI brings the CUDA build; its CPU paths work without the nvidia-*
packages, so `pip install --no-deps torch` plus filelock, typing-extensions, sympy, networkx,
jinja2, fsspec is enough here.)
"""
import argparse
import re
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

# label, op, transA, transB, m, n, k: the same list as Sources/SweepBench/GemmBenchmark.swift.
GEMM_SHAPES = [
    ("1024³", "A·B", False, False, 1024, 1024, 1024),
    ("128×784 · (1000×784)ᵀ", "fwd x·Wᵀ", False, True, 128, 1000, 784),
    ("(128×1000)ᵀ · 128×784", "dW dOutᵀ·x", True, False, 1000, 784, 128),
    ("128×1000 · 1000×784", "dX dOut·W", False, False, 128, 784, 1000),
    ("128×1000 · (1000×1000)ᵀ", "fwd x·Wᵀ", False, True, 128, 1000, 1000),
    ("(128×1000)ᵀ · 128×1000", "dW dOutᵀ·x", True, False, 1000, 1000, 128),
    ("128×1000 · 1000×1000", "dX dOut·W", False, False, 128, 1000, 1000),
    ("64×784 · (32×784)ᵀ", "fwd x·Wᵀ", False, True, 64, 32, 784),
    ("(64×32)ᵀ · 64×784", "dW dOutᵀ·x", True, False, 32, 784, 64),
    ("64×32 · (10×32)ᵀ", "fwd x·Wᵀ", False, True, 64, 10, 32),
    ("64×10 · 10×32", "dX dOut·W", False, False, 64, 32, 10),
]

# label, n, c, h, oc, k, needs input gradient: as in the Swift benchmark (square inputs, stride 1, no padding).
CONV_LAYERS = [
    ("MNIST conv 1→10 k5, 28×28", 64, 1, 28, 10, 5, False),
    ("MNIST conv 10→20 k5, 12×12", 64, 10, 12, 20, 5, True),
    ("CIFAR conv 3→6 k5, 32×32", 64, 3, 32, 6, 5, False),
    ("CIFAR conv 6→16 k5, 14×14", 64, 6, 14, 16, 5, True),
    ("ConvNet conv 1→32 k5, 28×28", 64, 1, 28, 32, 5, False),
    ("ConvNet conv 32→64 k5, 12×12", 64, 32, 12, 64, 5, True),
]


# Set by --cpu-time: 1-thread runs are timed by this thread's CPU time (torch then computes on it).
CLOCK = {"cpu_time": False}


def time_per_call(body, samples):
    """Median and best seconds per call: samples of enough calls to last ≥ 20 ms, after a warm-up."""
    now = time.thread_time if CLOCK["cpu_time"] and torch.get_num_threads() == 1 else time.perf_counter
    body()
    calls = 1
    while True:
        start = now()
        for _ in range(calls):
            body()
        if now() - start >= 0.02:
            break
        calls *= 2
    times = []
    for _ in range(samples):
        start = now()
        for _ in range(calls):
            body()
        times.append((now() - start) / calls)
    return statistics.median(times), min(times)


def gemm_rate(shape, samples):
    _, _, trans_a, trans_b, m, n, k = shape
    a = torch.rand(k, m) * 2 - 1 if trans_a else torch.rand(m, k) * 2 - 1
    b = torch.rand(n, k) * 2 - 1 if trans_b else torch.rand(k, n) * 2 - 1
    op_a = a.t() if trans_a else a
    op_b = b.t() if trans_b else b
    out = torch.empty(m, n)
    median, _ = time_per_call(lambda: torch.matmul(op_a, op_b, out=out), samples)
    return 2 * m * n * k / median / 1e9


def conv_times(layer, samples):
    _, n, c, h, oc, k, needs_input_gradient = layer
    x = (torch.rand(n, c, h, h) * 2 - 1).requires_grad_(needs_input_gradient)
    weight = (torch.rand(oc, c, k, k) * 2 - 1).requires_grad_(True)
    bias = (torch.rand(oc) * 2 - 1).requires_grad_(True)
    out_size = h - k + 1
    d_out = torch.rand(n, oc, out_size, out_size) * 2 - 1
    forward, _ = time_per_call(lambda: F.conv2d(x, weight, bias), samples)

    def forward_backward():
        F.conv2d(x, weight, bias).backward(d_out)

    both, _ = time_per_call(forward_backward, samples)
    flops = 2 * n * oc * out_size * out_size * c * k * k * (3 if needs_input_gradient else 2)
    return forward, both - forward, flops / both / 1e9, n / both


def sweep_figures(path, samples):
    """Runs `sweep-bench gemm` and returns {label: [1-thread GFLOP/s, 2-thread GFLOP/s]} and its text."""
    args = [path, "gemm"] + (["--quick"] if samples <= 3 else []) + (["--cpu-time"] if CLOCK["cpu_time"] else [])
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    figures = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and "%" in cells[3]:          # gemm row
            figures[cells[0]] = [float(cells[2].split()[0]), float(cells[4].split()[0])]
        elif len(cells) == 7 and re.match(r"^[0-9.]+$", cells[1] or "x"):   # conv row
            figures[cells[0]] = [float(cells[3]), float(cells[5])]
    return figures, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep-bench", help="path of a release sweep-bench to run first and compare")
    parser.add_argument("--quick", action="store_true", help="3 samples instead of 7")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time 1-thread runs by thread CPU time (both here and in sweep-bench)")
    options = parser.parse_args()
    samples = 3 if options.quick else 7
    CLOCK["cpu_time"] = options.cpu_time
    sweep = {}
    if options.sweep_bench:
        sweep, text = sweep_figures(options.sweep_bench, samples)
        print(text)
    torch.set_num_interop_threads(1)
    print(f"torch {torch.__version__} ({torch.backends.mkldnn.is_available() and 'oneDNN' or 'no oneDNN'}), "
          f"median of {samples} samples" + ("; 1-thread times are thread CPU time" if options.cpu_time else ""))
    gemm, conv = {}, {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for shape in GEMM_SHAPES:
            gemm.setdefault(shape[0], []).append(gemm_rate(shape, samples))
        for layer in CONV_LAYERS:
            conv.setdefault(layer[0], []).append(conv_times(layer, samples))

    def ratio(label, column, value):
        return f" | {sweep[label][column] / value:.2f}×" if label in sweep else ""

    extra = " | sweep / torch" if sweep else ""
    print(f"\n| gemm shape | op | torch 1 thr GFLOP/s{extra} | torch 2 thr GFLOP/s{extra} |")
    print("|---|---|---|---|" + ("---|---|" if sweep else ""))
    for label, op, *_ in GEMM_SHAPES:
        one, two = gemm[label]
        print(f"| {label} | {op} | {one:.1f}{ratio(label, 0, one)} | {two:.1f}{ratio(label, 1, two)} |")
    print(f"\n| conv (batch 64) | torch fwd ms | bwd ms | 1 thr fwd+bwd GFLOP/s{extra} | samples/s "
          f"| 2 thr fwd+bwd GFLOP/s{extra} | samples/s |")
    print("|---|---|---|---|---|---|---|" + ("---|---|" if sweep else ""))
    for label, *_ in CONV_LAYERS:
        (f1, b1, r1, s1), (_, _, r2, s2) = conv[label]
        print(f"| {label} | {f1 * 1e3:.3f} | {b1 * 1e3:.3f} | {r1:.1f}{ratio(label, 0, r1)} | {s1:.0f} "
              f"| {r2:.1f}{ratio(label, 1, r2)} | {s2:.0f} |")


if __name__ == "__main__":
    sys.exit(main())
