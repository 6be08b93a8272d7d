#!/usr/bin/env python3
"""numpy's matmul (OpenBLAS sgemm) at the shapes `sweep-bench gemm --numpy PYTHON` passes it.

Not part of the product: the yardstick `sweep-bench gemm` runs in the same run, one process per
thread count (OPENBLAS_NUM_THREADS set by the caller). Each argument is one shape "tA,tB,m,n,k"
(tA, tB: 0 or 1); prints the median and best GFLOP/s per shape, one line each, in order. Operands
are transposed views, so OpenBLAS gets its transpose flags and nothing is copied. --cpu-time times by
this thread's CPU time (as sweep-bench's option: OpenBLAS on 1 thread computes on the caller's).

    python3 scripts/bench-numpy-gemm.py --samples 7 0,0,1024,1024,1024 0,1,128,1000,784
"""
import argparse
import time

import numpy as np


def time_per_call(body, samples, now):
    """Median and best seconds per call: samples of enough calls to last ≥ 20 ms, after a warm-up
    (the protocol of sweep-bench's timePerCall)."""
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
    times.sort()
    return times[len(times) // 2], times[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--cpu-time", action="store_true")
    parser.add_argument("shapes", nargs="+")
    options = parser.parse_args()
    rng = np.random.default_rng(0)
    for shape in options.shapes:
        trans_a, trans_b, m, n, k = (int(x) for x in shape.split(","))
        a = rng.uniform(-1, 1, (k, m) if trans_a else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if trans_b else (k, n)).astype(np.float32)
        op_a, op_b = (a.T if trans_a else a), (b.T if trans_b else b)
        c = np.empty((m, n), dtype=np.float32)
        now = time.thread_time if options.cpu_time else time.perf_counter
        median, best = time_per_call(lambda: np.matmul(op_a, op_b, out=c), options.samples, now)
        flops = 2.0 * m * n * k
        print(f"{flops / median / 1e9:.3f} {flops / best / 1e9:.3f}", flush=True)


if __name__ == "__main__":
    main()
