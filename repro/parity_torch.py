#!/usr/bin/env python3
"""Weight-for-weight parity of naswot with the reference NASWOT algorithm in PyTorch.

For each architecture: torch.manual_seed(seed), build the NB201 TinyNetwork (C=16, N=5, one
output) in PyTorch with the module structure of the reference code (written here), hook every
module whose class name contains "ReLU", run the reference's two passes (forward + backward,
then a second forward that accumulates K), and take slogdet. naswot scores the same
architecture on the same images (`--batch first`) with `--seed` the same seed. Prints one
line per architecture and exits 1 if N_A differs or |score difference| > 1e-3.

Usage: parity_torch.py NASWOT_BIN CIFAR10_BIN [N_ARCHS] [SEED]
"""
import json
import math
import random
import subprocess
import sys

import warnings

import numpy as np
import torch
import torch.nn as nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
MEAN = [x / 255 for x in (125.3, 123.0, 113.9)]
STD = [x / 255 for x in (63.0, 62.1, 66.7)]


class ReLUConvBN(nn.Module):  # the class name contains "ReLU": hooked, like the reference's
    def __init__(self, c_in, c_out, k, stride, pad):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False),
                                nn.Conv2d(c_in, c_out, k, stride, pad, bias=False),
                                nn.BatchNorm2d(c_out))

    def forward(self, x):
        return self.op(x)


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


class Identity(nn.Module):
    def forward(self, x):
        return x


class ResNetBasicblock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2, 1)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1)
        self.downsample = nn.Sequential(nn.AvgPool2d(2, 2, 0),
                                        nn.Conv2d(c_in, c_out, 1, 1, 0, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


def make_op(name, c):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1, 1, 0)
    if name == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3, 1, 1)
    return nn.AvgPool2d(3, 1, 1, count_include_pad=False)


class InferCell(nn.Module):
    def __init__(self, genotype, c):
        super().__init__()
        self.layers = nn.ModuleList()
        self.nodes = []  # per node: [(layer index, input node)]
        for node in genotype:
            entry = []
            for op, j in node:
                entry.append((len(self.layers), j))
                self.layers.append(make_op(op, c))
            self.nodes.append(entry)

    def forward(self, x):
        states = [x]
        for entry in self.nodes:
            states.append(sum(self.layers[k](states[j]) for k, j in entry))
        return states[-1]


class TinyNetwork(nn.Module):
    def __init__(self, genotype, c=16, n=5, classes=1):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        cells, c_prev = [], c
        for stage in range(3):
            if stage > 0:
                cells.append(ResNetBasicblock(c_prev, c_prev * 2))
                c_prev *= 2
            cells += [InferCell(genotype, c_prev) for _ in range(n)]
        self.cells = nn.ModuleList(cells)
        self.lastact = nn.Sequential(nn.BatchNorm2d(c_prev), nn.ReLU(inplace=True))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, classes)

    def forward(self, x):
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x)
        out = self.global_pooling(self.lastact(x)).flatten(1)
        return self.classifier(out), out


def parse(arch):
    return [[(p.split("~")[0], int(p.split("~")[1])) for p in g.split("|") if p]
            for g in arch.split("+")]


def reference_score(net, x):
    """The reference's hook algorithm (score_networks.py): two passes, K in float64."""
    net.K = np.zeros((x.shape[0], x.shape[0]))

    def forward_hook(module, inp, out):
        if not getattr(module, "visited_backwards", False):
            return
        flat = inp[0].reshape(inp[0].size(0), -1)
        b = (flat > 0).float()
        net.K = net.K + (b @ b.t()).numpy() + ((1.0 - b) @ (1.0 - b).t()).numpy()

    def backward_hook(module, grad_in, grad_out):
        module.visited_backwards = True

    for m in net.modules():
        if "ReLU" in str(type(m)):
            m.register_forward_hook(forward_hook)
            m.register_backward_hook(backward_hook)  # legacy module hook, as the reference
    x1 = x.clone().requires_grad_(True)
    y, _ = net(x1)
    y.backward(torch.ones_like(y))
    with torch.no_grad():
        net(x.clone())
    return np.linalg.slogdet(net.K)[1], int(round(net.K[0, 0]))


def load_first(path, n):
    raw = np.fromfile(path, dtype=np.uint8, count=n * 3073).reshape(n, 3073)
    v = raw[:, 1:].reshape(n, 3, 32, 32).astype(np.float32) / np.float32(255.0)
    mean = np.array(MEAN, dtype=np.float64).astype(np.float32).reshape(1, 3, 1, 1)
    std = np.array(STD, dtype=np.float64).astype(np.float32).reshape(1, 3, 1, 1)
    return torch.from_numpy((v - mean) / std)


def main():
    warnings.filterwarnings("ignore", message="Using a non-full backward hook")
    naswot, cifar = sys.argv[1], sys.argv[2]
    n_archs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    torch.set_num_threads(2)
    rng = random.Random(seed)
    archs = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
             "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"]
    while len(archs) < n_archs:
        ops = [rng.choice(OPS) for _ in range(6)]
        archs.append("|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*ops))
    x = load_first(cifar, 128)
    worst, failures = 0.0, 0
    for i, arch in enumerate(archs):
        s = seed + i
        torch.manual_seed(s)
        net = TinyNetwork(parse(arch))
        net.train()
        ref, ref_units = reference_score(net, x)
        out = subprocess.run([naswot, "score", "--arch", arch, "--data", "cifar10:" + cifar,
                              "--batch", "first", "--batch-size", "128", "--seed", str(s),
                              "--json", "-q"], check=True, capture_output=True, text=True)
        ours = json.loads(out.stdout)
        score = ours["score"] if isinstance(ours["score"], float) else float(ours["score"])
        diff = 0.0 if (math.isinf(ref) and math.isinf(score)) else abs(ref - score)
        ok = ours["n_units"] == ref_units and diff <= 1e-3
        worst = max(worst, diff)
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} seed {s:3d} N_A {ref_units:8d}/{ours['n_units']:8d} "
              f"reference {ref:.6f} naswot {score:.6f} |diff| {diff:.2e}  {arch}", flush=True)
    print(f"{len(archs) - failures} of {len(archs)} architectures match; largest |diff| {worst:.2e}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
