#!/usr/bin/env python3
"""Times NASWOT scoring of the same NB201 architectures, in one run on one machine:

  (a) the published algorithm in PyTorch: forward + backward + second forward, K accumulated
      from float 0/1 matrices per hooked module (reference semantics, 2 threads);
  (b) the best PyTorch way written here: no-grad forward in channels_last, one sign capture per
      counted tensor, K from one float GEMM of ±1 codes (2 threads, allocator kept warm);
  (c) naswot f32 and (d) naswot bf16, per-network times from `naswot scan` rows (--jobs 1,
      --threads 2: one network at a time on both cores, like (a) and (b)).

Usage: bench/compare_pytorch.py NASWOT_BIN CIFAR10_BIN [N_ARCHS]   (needs python3-torch)
"""
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "repro"))
from parity_torch import OPS, TinyNetwork, load_first, parse, reference_score  # noqa: E402


def fast_score(net, x):
    """Sign capture on the inputs of the hooked modules, each distinct tensor once, weighted."""
    seen = {}

    def hook(module, inp, out):
        t = inp[0]
        key = (t.data_ptr(), tuple(t.shape))
        if key in seen:
            seen[key][1] += 1
        else:
            seen[key] = [t.reshape(t.shape[0], -1) > 0, 1, t]  # t kept: no address reuse

    handles = [m.register_forward_hook(hook) for m in net.modules() if "ReLU" in str(type(m))]
    with torch.no_grad():
        net(x)
        k = torch.zeros(x.shape[0], x.shape[0], dtype=torch.float64)
        for bits, weight, _ in seen.values():
            s = bits.to(torch.float32) * 2 - 1  # ±1: <s_i, s_j> = F - 2 hamming
            k += weight * ((s @ s.t()).double() + bits.shape[1]) / 2
    for h in handles:
        h.remove()
    return torch.linalg.slogdet(k)[1].item()


def time_torch(archs, x, fn, channels_last):
    times = []
    for i, arch in enumerate(archs):
        torch.manual_seed(i + 1)
        net = TinyNetwork(parse(arch)).train()
        xi = x
        if channels_last:
            net = net.to(memory_format=torch.channels_last)
            xi = x.contiguous(memory_format=torch.channels_last)
        t = time.perf_counter()
        fn(net, xi)
        times.append(time.perf_counter() - t)
    return times


def time_naswot(naswot, cifar, archs, precision):
    with tempfile.TemporaryDirectory() as d:
        idx = os.path.join(d, "idx.txt")
        table = os.path.join(d, "t.csv")
        with open(table, "w") as f:
            f.write("index,arch\n" + "".join(f"{i},{a}\n" for i, a in enumerate(archs)))
        with open(idx, "w") as f:
            f.write("\n".join(str(i) for i in range(len(archs))) + "\n")
        out = os.path.join(d, "s.csv")
        subprocess.run([naswot, "scan", "--indices", idx, "--bench", table, "--data",
                        "cifar10:" + cifar, "--batch", "first", "--jobs", "1", "--threads", "2",
                        "--precision", precision, "--out", out, "-q"], check=True)
        with open(out) as f:
            return [float(r["seconds"]) for r in csv.DictReader(f)]


def main():
    naswot, cifar = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    torch.set_num_threads(2)
    rng = random.Random(2021)
    archs = ["|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*[rng.choice(OPS) for _ in range(6)])
             for _ in range(n)]
    x = load_first(cifar, 128)
    rows = [
        ("(a) PyTorch, published algorithm", time_torch(archs, x, reference_score, False)),
        ("(b) PyTorch, no-grad channels_last", time_torch(archs, x, fast_score, True)),
        ("(c) naswot f32", time_naswot(naswot, cifar, archs, "f32")),
        ("(d) naswot bf16", time_naswot(naswot, cifar, archs, "bf16")),
    ]
    base = statistics.mean(rows[0][1])
    print(f"{n} random NB201 architectures (seed 2021), batch 128, 2 threads; "
          f"torch {torch.__version__}")
    print(f"{'method':<38} {'mean ms':>9} {'median ms':>10} {'vs (a)':>8}")
    for name, t in rows:
        m = statistics.mean(t)
        print(f"{name:<38} {1e3 * m:9.1f} {1e3 * statistics.median(t):10.1f} {base / m:7.1f}x")


if __name__ == "__main__":
    main()
