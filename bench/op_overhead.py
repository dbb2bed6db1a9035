#!/usr/bin/python3
"""The PyTorch peer of bench/MLNetGan.Bench: the same operations on the same shapes, same method.

Usage: /usr/bin/python3 bench/op_overhead.py [op-overhead|mlp-step|blas] [threads]
Prints one JSON line per measurement (median ns per call over timed repeats after a warm-up).
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

mode = sys.argv[1] if len(sys.argv) > 1 else "op-overhead"
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
torch.set_num_threads(threads)


def measure(body, iterations, repeats=7):
    for _ in range(iterations // 10):
        body()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(iterations):
            body()
        samples.append((time.perf_counter_ns() - start) / iterations)
    samples.sort()
    return samples[repeats // 2]


def report(name, ns):
    print(json.dumps({"impl": "pytorch", "name": name, "ns": round(ns, 1)}), flush=True)


def op_overhead():
    a, b = torch.ones(1), torch.ones(1)
    m = torch.randn(8, 8)
    x = torch.randn(64, 2)
    linear = nn.Linear(2, 32)
    report("create_dispose_1", measure(lambda: torch.ones(1), 200_000))
    report("add_1", measure(lambda: a.add(b), 200_000))
    report("mul_scalar_1", measure(lambda: a.mul(2.0), 200_000))
    report("relu_1", measure(lambda: a.relu(), 200_000))
    report("add_inplace_1", measure(lambda: a.add_(b), 200_000))
    report("matmul_8x8", measure(lambda: m.matmul(m), 100_000))
    report("linear_64x2_32", measure(lambda: linear(x), 100_000))
    report("scope_3ops", measure(lambda: a.add(b).mul(2.0).relu(), 100_000))


def mlp_step():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(128, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 1), nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    inputs, target = torch.randn(32, 2), torch.ones(32, 1)

    def step():
        optimizer.zero_grad()
        F.binary_cross_entropy(model(inputs), target).backward()
        optimizer.step()

    report(f"mlp_step_threads{threads}", measure(step, 5_000, 5))

    conv = nn.Sequential(nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128),
                         nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    images = torch.randn(64, 1, 28, 28)

    def conv_step():
        conv.zero_grad()
        conv(images).mean().backward()

    report(f"conv_fwd_bwd_threads{threads}", measure(conv_step, 40, 5))


def blas():
    m = torch.randn(256, 256)
    report(f"matmul_256_threads{threads}", measure(lambda: m.matmul(m), 2_000, 5))
    layer = nn.Linear(784, 256)
    batch = torch.randn(128, 784)

    def step():
        layer.zero_grad()
        layer(batch).sum().backward()

    report(f"linear_784_256_b128_fwd_bwd_threads{threads}", measure(step, 1_000, 5))


{"op-overhead": op_overhead, "mlp-step": mlp_step, "blas": blas}[mode]()
