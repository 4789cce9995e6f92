#!/usr/bin/env python3
"""Times NASWOT scoring of the same NB201 architectures, in one run on one machine:

  (a) the published algorithm in PyTorch: forward + backward + second forward, K accumulated
      from float 0/1 matrices per hooked module (reference semantics, 2 threads);
  (b) the best PyTorch way written here: no-grad forward in channels_last, one sign capture per
      counted tensor, K from batched bf16 GEMMs of ±1 codes in 256-column blocks (exact:
      every block's products are integers of at most 256, summed in f32; Debian's float32
      GEMM runs at 4-8 GFLOP/s here, oneDNN's bf16 one at ~90), one reused buffer (2 threads),
      run in a child process whose glibc allocator keeps freed memory (performance-notes.md:
      page faults cost ~11 µs per 4 KiB page on this VM). Its scores are checked against (a);
  (c) naswot f32 and (d) naswot bf16, per-network times from `naswot scan` rows (--jobs 1,
      --threads 2: one network at a time on both cores, like (a) and (b)).

Usage: bench/compare_pytorch.py NASWOT_BIN CIFAR10_BIN [N_ARCHS]   (needs python3-torch)
"""
import csv
import json
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


# ±1 codes go through one bf16 buffer of BLOCK columns, reused for every block and network,
# as batches of GROUP-column GEMMs whose results are exact in bf16.
BLOCK, GROUP = 1 << 16, 256
_buffer = None


def fast_score(net, x):
    """Sign capture on the inputs of the hooked modules, each distinct tensor once, weighted."""
    global _buffer
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
        n = x.shape[0]
        if _buffer is None:
            _buffer = torch.empty(n, BLOCK, dtype=torch.bfloat16)
        k = torch.zeros(n, n, dtype=torch.float64)
        for bits, weight, _ in seen.values():
            gram = torch.zeros(n, n)
            for a in range(0, bits.shape[1], BLOCK):
                w = min(BLOCK, bits.shape[1] - a)
                padded = (w + GROUP - 1) // GROUP * GROUP
                s = _buffer[:, :padded]
                s[:, w:].zero_()  # padding columns contribute 0
                s[:, :w].copy_(bits[:, a:a + w])
                s[:, :w].mul_(2).sub_(1)  # ±1: <s_i, s_j> = F - 2 hamming
                groups = s.view(n, padded // GROUP, GROUP).transpose(0, 1)
                gram += torch.bmm(groups, groups.transpose(1, 2)).float().sum(0)
            k += weight * (gram.double() + bits.shape[1]) / 2
    for h in handles:
        h.remove()
    return torch.linalg.slogdet(k)[1].item()


def time_torch(archs, x, fn, channels_last):
    """Per-network seconds and scores."""
    times, scores = [], []
    for i, arch in enumerate(archs):
        torch.manual_seed(i + 1)
        net = TinyNetwork(parse(arch)).train()
        xi = x
        if channels_last:
            net = net.to(memory_format=torch.channels_last)
            xi = x.contiguous(memory_format=torch.channels_last)
        t = time.perf_counter()
        scores.append(fn(net, xi))
        times.append(time.perf_counter() - t)
    return times, scores


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


# glibc settings for (b): never return freed memory to the OS, never serve large blocks by mmap.
TUNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "68719476736",
                "MALLOC_TOP_PAD_": "1073741824"}


def time_fast_in_child(cifar, n):
    env = dict(os.environ, **TUNED_MALLOC)
    out = subprocess.run([sys.executable, __file__, "--fast-only", cifar, str(n)], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def architectures(n):
    rng = random.Random(2021)
    return ["|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*[rng.choice(OPS) for _ in range(6)])
            for _ in range(n)]


def main():
    torch.set_num_threads(2)
    if sys.argv[1] == "--fast-only":  # the child of time_fast_in_child: prints (b)'s times
        cifar, n = sys.argv[2], int(sys.argv[3])
        print(json.dumps(time_torch(architectures(n), load_first(cifar, 128), fast_score, True)))
        return
    naswot, cifar = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    archs = architectures(n)
    x = load_first(cifar, 128)
    published, published_results = time_torch(archs, x, reference_score, False)
    published_scores = [float(score) for score, _n_a in published_results]
    fast, fast_scores = time_fast_in_child(cifar, n)
    rows = [
        ("(a) PyTorch, published algorithm", published),
        ("(b) PyTorch, no-grad channels_last", fast),
        ("(c) naswot f32", time_naswot(naswot, cifar, archs, "f32")),
        ("(d) naswot bf16", time_naswot(naswot, cifar, archs, "bf16")),
    ]
    base = statistics.mean(published)
    gaps = [abs(p - f) for p, f in zip(published_scores, fast_scores) if p != f]
    gap = max((g for g in gaps if g == g), default=0.0)
    print(f"{n} random NB201 architectures (seed 2021), batch 128, 2 threads; "
          f"torch {torch.__version__}")
    print(f"{'method':<38} {'mean ms':>9} {'median ms':>10} {'vs (a)':>8}")
    for name, t in rows:
        m = statistics.mean(t)
        print(f"{name:<38} {1e3 * m:9.1f} {1e3 * statistics.median(t):10.1f} {base / m:7.1f}x")
    print(f"largest |score (a) - score (b)|: {gap:.2e}")


if __name__ == "__main__":
    main()
