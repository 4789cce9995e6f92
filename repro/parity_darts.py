#!/usr/bin/env python3
"""Weight-for-weight parity of naswot's `darts` space with the reference NASWOT algorithm in PyTorch.

For each genotype: torch.manual_seed(seed), build pycls' NetworkCIFAR (or NetworkImageNet) with a
one-output head, no auxiliary head and drop path off, with the module structure of
reference-semantics.md §3.4.1 (written here), hook every module whose class name contains "ReLU",
run the reference's two passes (forward + backward, then a second forward that accumulates K;
parity_torch.py's reference_score) and take slogdet. naswot scores the same genotype text on the
same images (`--batch first`) with `--seed` the same seed. Prints one line per network and exits 1
if N_A differs or |score difference| > 1e-3.

The genotypes: the six published cells of ../shared/docs/spaces.md §4.3 (ENAS transcription (a))
at two sizes, the ImageNet network for two of them, two hand-written edge cases, then N_RANDOM random cells, alternately
NB301-style (4 nodes, two different inputs, DARTS' 7 primitives, concat 2..5) and "any op" cells
(1-5 nodes, any earlier inputs, all of pycls' ops but the 2x2 pools, `none` included, random
concat, so some preprocess outputs are dead).

Usage: parity_darts.py NASWOT_BIN CIFAR10_BIN [N_RANDOM] [SEED] [BATCH]
"""
import json
import math
import os
import random
import subprocess
import sys
import warnings

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_torch import load_first, reference_score  # noqa: E402  (hooks, slogdet, data)

# --- ops (pycls/models/nas/operations.py as §3.4.1 describes it) ------------------------------


class ReLUConvBN(nn.Module):  # class name contains "ReLU": hooked itself, plus its inner ReLU
    def __init__(self, c_in, c_out, k, stride, pad):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False),
                                nn.Conv2d(c_in, c_out, k, stride=stride, padding=pad, bias=False),
                                nn.BatchNorm2d(c_out))

    def forward(self, x):
        return self.op(x)


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        assert c_out % 2 == 0
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, padding=0, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, padding=0, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = self.relu(x)
        shifted = nn.functional.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:]
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(shifted)], dim=1))


class Zero(nn.Module):
    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        return x.mul(0.0) if self.stride == 1 else x[:, :, ::self.stride, ::self.stride].mul(0.0)


class Identity(nn.Module):
    def forward(self, x):
        return x


def separable(c, k, stride, pad, dil, twice):
    """ReLU -> depthwise k (stride, dilation) -> 1x1 -> BN [-> the same again at stride 1]."""
    layers = []
    for s in ([stride, 1] if twice else [stride]):
        layers += [nn.ReLU(inplace=False),
                   nn.Conv2d(c, c, k, stride=s, padding=pad, dilation=dil, groups=c, bias=False),
                   nn.Conv2d(c, c, 1, padding=0, bias=False),
                   nn.BatchNorm2d(c)]
    return nn.Sequential(*layers)


def factorized_conv(c, k, stride):
    """conv_3x1_1x3 / conv_7x1_1x7: ReLU -> 1xk (stride (1, s)) -> kx1 (stride (s, 1)) -> BN."""
    p = (k - 1) // 2
    return nn.Sequential(nn.ReLU(inplace=False),
                         nn.Conv2d(c, c, (1, k), stride=(1, stride), padding=(0, p), bias=False),
                         nn.Conv2d(c, c, (k, 1), stride=(stride, 1), padding=(p, 0), bias=False),
                         nn.BatchNorm2d(c))


def make_op(name, c, s):
    if name == "none":
        return Zero(s)
    if name == "skip_connect":
        return Identity() if s == 1 else FactorizedReduce(c, c)
    kind, size = name.rsplit("_", 1)
    k = int(size.split("x")[0])
    if kind == "avg_pool":
        return nn.AvgPool2d(k, stride=s, padding=(k - 1) // 2, count_include_pad=False)
    if kind == "max_pool":
        return nn.MaxPool2d(k, stride=s, padding=(k - 1) // 2)
    if kind == "conv":
        return nn.Sequential(nn.ReLU(inplace=False),
                             nn.Conv2d(c, c, k, stride=s, padding=(k - 1) // 2, bias=False),
                             nn.BatchNorm2d(c))
    if name in ("conv_3x1_1x3", "conv_7x1_1x7"):
        return factorized_conv(c, 3 if name == "conv_3x1_1x3" else 7, s)
    if kind == "sep_conv":
        return separable(c, k, s, (k - 1) // 2, 1, twice=True)
    if kind == "dil_conv":
        return separable(c, k, s, k - 1, 2, twice=False)
    if name == "dil_sep_conv_3x3":
        return separable(c, 3, s, 2, 2, twice=True)
    raise ValueError(name)


OPS = ["none", "skip_connect", "avg_pool_2x2", "avg_pool_3x3", "avg_pool_5x5", "max_pool_2x2",
       "max_pool_3x3", "max_pool_5x5", "max_pool_7x7", "conv_1x1", "conv_3x3", "conv_3x1_1x3",
       "conv_7x1_1x7", "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7", "dil_conv_3x3",
       "dil_conv_5x5", "dil_sep_conv_3x3"]
NB301_OPS = ["max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
             "dil_conv_3x3", "dil_conv_5x5"]

# --- the network (pycls/models/nas/nas.py as §3.4.1 describes it) ------------------------------


class Cell(nn.Module):
    def __init__(self, cell, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        pairs, self.concat = cell
        self.preprocess0 = (FactorizedReduce(c_pp, c) if reduction_prev
                            else ReLUConvBN(c_pp, c, 1, 1, 0))
        self.preprocess1 = ReLUConvBN(c_p, c, 1, 1, 0)
        self.ops = nn.ModuleList(make_op(op, c, 2 if reduction and j < 2 else 1)
                                 for op, j in pairs)
        self.indices = [j for _, j in pairs]
        self.multiplier = len(self.concat)

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for k in range(0, len(self.ops), 2):
            states.append(self.ops[k](states[self.indices[k]]) +
                          self.ops[k + 1](states[self.indices[k + 1]]))
        return torch.cat([states[i] for i in self.concat], dim=1)


class Head(nn.Module):
    """pycls' Classifier with the reference's Linear wrapper: returns (logits, features)."""

    def __init__(self, c):
        super().__init__()
        self.pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c, 1)

    def forward(self, x):
        features = self.pooling(x).flatten(1)
        return self.classifier(features), features


class Network(nn.Module):
    def __init__(self, genotype, c, layers, imagenet=False):
        super().__init__()
        normal, reduce = genotype
        self.imagenet = imagenet
        if imagenet:
            self.stem0 = nn.Sequential(
                nn.Conv2d(3, c // 2, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(c // 2),
                nn.ReLU(inplace=True),
                nn.Conv2d(c // 2, c, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(c))
            self.stem1 = nn.Sequential(nn.ReLU(inplace=True),
                                       nn.Conv2d(c, c, 3, stride=2, padding=1, bias=False),
                                       nn.BatchNorm2d(c))
            c_pp, c_p, c_cur, reduction_prev = c, c, c, True
        else:
            self.stem = nn.Sequential(nn.Conv2d(3, 3 * c, 3, padding=1, bias=False),
                                      nn.BatchNorm2d(3 * c))
            c_pp, c_p, c_cur, reduction_prev = 3 * c, 3 * c, c, False
        self.cells = nn.ModuleList()
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c_cur *= 2
            cell = Cell(reduce if reduction else normal, c_pp, c_p, c_cur, reduction,
                        reduction_prev)
            self.cells.append(cell)
            reduction_prev = reduction
            c_pp, c_p = c_p, cell.multiplier * c_cur
        self.head = Head(c_p)

    def forward(self, x):
        if self.imagenet:
            s0 = self.stem0(x)
            s1 = self.stem1(s0)  # in place: s0 is rectified too, as in pycls
        else:
            s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.head(s1)


# --- genotypes -----------------------------------------------------------------------------------


def cell(text, concat):
    pairs = [(p.split(",")[0].strip(), int(p.split(",")[1])) for p in
             text.replace("|", " ").replace(")", "").split("(")[1:]]
    return pairs, list(concat)


# ../shared/docs/spaces.md §4.3
NAMED = {
    "DARTS_V1": (
        cell("(sep_conv_3x3,1) (sep_conv_3x3,0) | (skip_connect,0) (sep_conv_3x3,1) | "
             "(skip_connect,0) (sep_conv_3x3,1) | (sep_conv_3x3,0) (skip_connect,2)", [2, 3, 4, 5]),
        cell("(max_pool_3x3,0) (max_pool_3x3,1) | (skip_connect,2) (max_pool_3x3,0) | "
             "(max_pool_3x3,0) (skip_connect,2) | (skip_connect,2) (avg_pool_3x3,0)", [2, 3, 4, 5])),
    "DARTS_V2": (
        cell("(sep_conv_3x3,0) (sep_conv_3x3,1) | (sep_conv_3x3,0) (sep_conv_3x3,1) | "
             "(sep_conv_3x3,1) (skip_connect,0) | (skip_connect,0) (dil_conv_3x3,2)", [2, 3, 4, 5]),
        cell("(max_pool_3x3,0) (max_pool_3x3,1) | (skip_connect,2) (max_pool_3x3,1) | "
             "(max_pool_3x3,0) (skip_connect,2) | (skip_connect,2) (max_pool_3x3,1)", [2, 3, 4, 5])),
    "NASNet": (
        cell("(sep_conv_5x5,1) (sep_conv_3x3,0) | (sep_conv_5x5,0) (sep_conv_3x3,0) | "
             "(avg_pool_3x3,1) (skip_connect,0) | (avg_pool_3x3,0) (avg_pool_3x3,0) | "
             "(sep_conv_3x3,1) (skip_connect,1)", [2, 3, 4, 5, 6]),
        cell("(sep_conv_5x5,1) (sep_conv_7x7,0) | (max_pool_3x3,1) (sep_conv_7x7,0) | "
             "(avg_pool_3x3,1) (sep_conv_5x5,0) | (skip_connect,3) (avg_pool_3x3,2) | "
             "(sep_conv_3x3,2) (max_pool_3x3,1)", [4, 5, 6])),
    "AmoebaNet": (
        cell("(avg_pool_3x3,0) (max_pool_3x3,1) | (sep_conv_3x3,0) (sep_conv_5x5,2) | "
             "(sep_conv_3x3,0) (avg_pool_3x3,3) | (sep_conv_3x3,1) (skip_connect,1) | "
             "(skip_connect,0) (avg_pool_3x3,1)", [4, 5, 6]),
        cell("(avg_pool_3x3,0) (sep_conv_3x3,1) | (max_pool_3x3,0) (sep_conv_7x7,2) | "
             "(sep_conv_7x7,0) (avg_pool_3x3,1) | (max_pool_3x3,0) (max_pool_3x3,1) | "
             "(conv_7x1_1x7,0) (sep_conv_3x3,5)", [3, 4, 6])),
    "PNASNet": (
        cell("(sep_conv_5x5,0) (max_pool_3x3,0) | (sep_conv_7x7,1) (max_pool_3x3,1) | "
             "(sep_conv_5x5,1) (sep_conv_3x3,1) | (sep_conv_3x3,4) (max_pool_3x3,1) | "
             "(sep_conv_3x3,0) (skip_connect,1)", [2, 3, 4, 5, 6]),) * 2,
    "ENAS(a)": (
        cell("(sep_conv_3x3,1) (skip_connect,1) | (sep_conv_5x5,1) (skip_connect,0) | "
             "(avg_pool_3x3,0) (sep_conv_3x3,1) | (sep_conv_3x3,0) (avg_pool_3x3,0) | "
             "(sep_conv_5x5,1) (avg_pool_3x3,0)", [2, 3, 4, 5, 6]),
        cell("(sep_conv_5x5,0) (avg_pool_3x3,1) | (sep_conv_3x3,1) (avg_pool_3x3,1) | "
             "(avg_pool_3x3,1) (sep_conv_3x3,1) | (sep_conv_5x5,4) (avg_pool_3x3,1) | "
             "(sep_conv_3x3,5) (sep_conv_5x5,0)", [2, 3, 6])),
}

# Hand-written edge cases: state 0 read only through `none`; a dead node (not in the concat, read
# by nothing) that is the only reader of a preprocess; concat out of order; 2x2 pools and
# conv_7x1_1x7 on the strided inputs of a reduction; every op not in the published cells.
EDGES = {
    "edge-none-dead": (
        cell("(none,0) (sep_conv_3x3,1) | (conv_3x3,1) (dil_sep_conv_3x3,2) | "
             "(sep_conv_5x5,1) (conv_1x1,0)", [3, 2]),
        cell("(avg_pool_2x2,0) (max_pool_2x2,1) | (skip_connect,2) (conv_7x1_1x7,1) | "
             "(conv_3x1_1x3,2) (none,1)", [4, 3])),
    "edge-pools-dead-pre0": (
        cell("(max_pool_5x5,1) (avg_pool_5x5,1) | (max_pool_7x7,2) (skip_connect,1) | "
             "(sep_conv_7x7,3) (dil_conv_5x5,2)", [4, 1]),
        cell("(max_pool_3x3,1) (avg_pool_3x3,1) | (sep_conv_3x3,2) (dil_conv_3x3,1)", [3, 2])),
}


def random_nb301_cell(rng):
    pairs = []
    for node in range(2, 6):
        for j in rng.sample(range(node), 2):
            pairs.append((rng.choice(NB301_OPS), j))
    return pairs, [2, 3, 4, 5]


def random_any_cell(rng, reduction):
    ops = [op for op in OPS if not op.endswith("2x2")]  # 2x2 pools only fit strided inputs
    n = rng.randint(1, 5)
    pairs = [(rng.choice(ops), rng.randrange(node)) for node in range(2, n + 2) for _ in range(2)]
    states = list(range(2 if reduction else 0, n + 2))
    concat = sorted(rng.sample(states, rng.randint(1, len(states))))
    if rng.random() < 0.3:
        rng.shuffle(concat)  # concat order matters
    return pairs, concat


def text(genotype, c, layers, imagenet):
    def pairs(p):
        return ", ".join(f"('{op}', {j})" for op, j in p)
    (np_, nc), (rp, rc) = genotype
    return (f"Genotype(normal=[{pairs(np_)}], normal_concat={nc}, reduce=[{pairs(rp)}], "
            f"reduce_concat={rc}) C={c} L={layers}" + (" net=imagenet" if imagenet else ""))


def cases(n_random, seed):
    out = []
    for c, layers in ((8, 5), (16, 8)):
        out += [(name, g, c, layers, False) for name, g in NAMED.items()]
    out += [(name, NAMED[name], 16, 5, True) for name in ("DARTS_V2", "AmoebaNet")]
    out += [(name, g, 8, 5, False) for name, g in EDGES.items()]
    rng = random.Random(seed)
    for k in range(n_random):
        c, layers = ((8, 5), (16, 8))[k % 2]
        if k % 2 == 0:
            g = (random_nb301_cell(rng), random_nb301_cell(rng))
            out.append((f"nb301-random-{k}", g, c, layers, False))
        else:
            g = (random_any_cell(rng, False), random_any_cell(rng, True))
            out.append((f"any-op-random-{k}", g, c, layers, False))
    return out


def main():
    warnings.filterwarnings("ignore", message="Using a non-full backward hook")
    naswot, cifar = sys.argv[1], sys.argv[2]
    n_random = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 64
    torch.set_num_threads(2)
    x = load_first(cifar, batch)
    worst, failures, rows = 0.0, 0, cases(n_random, seed)
    for i, (name, genotype, c, layers, imagenet) in enumerate(rows):
        s = seed + i
        arch = text(genotype, c, layers, imagenet)
        torch.manual_seed(s)
        net = Network(genotype, c, layers, imagenet)
        net.train()
        ref, ref_units = reference_score(net, x)
        out = subprocess.run([naswot, "score", "--space", "darts", "--arch", arch,
                              "--data", "cifar10:" + cifar, "--batch", "first",
                              "--batch-size", str(batch), "--seed", str(s), "--threads", "2",
                              "--json", "-q"], check=True, capture_output=True, text=True)
        ours = json.loads(out.stdout)
        score = float(ours["score"])
        diff = 0.0 if (math.isinf(ref) and math.isinf(score)) else abs(ref - score)
        ok = ours["n_units"] == ref_units and diff <= 1e-3
        worst = max(worst, diff)
        failures += not ok
        net_name = f"{name}{' (ImageNet net)' if imagenet else ''}"
        print(f"{'ok  ' if ok else 'FAIL'} seed {s:3d} {net_name:28s} C={c:<2d} L={layers} "
              f"N_A {ours['n_units']:8d}/{ref_units:8d} naswot {score:.6f} torch {ref:.6f} "
              f"|diff| {diff:.2e}", flush=True)
        if not name[0].isupper() or not ok:
            print(f"     {arch}", flush=True)
    print(f"{len(rows) - failures} of {len(rows)} networks match; largest |diff| {worst:.2e}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
