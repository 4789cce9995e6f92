#!/usr/bin/env python3
"""Runs the NB201 reproduction with the naswot binary and writes the results document.

Everything is computed by `naswot` (scan, correlate, simulate, score); this script only
orchestrates, collects the JSON outputs and formats them (markdown + an SVG scatter plot).
"""
import argparse
import csv
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time

PAPER = {  # Mellor et al. 2021, Table 2(a), NB201 searched on CIFAR-10, 500 runs
    10: ["89.14 ± 1.14", "92.44 ± 1.13", "68.50 ± 2.03", "68.62 ± 2.04", "41.09 ± 3.97", "41.31 ± 4.11"],
    100: ["89.55 ± 0.89", "92.81 ± 0.99", "69.35 ± 1.70", "69.48 ± 1.70", "42.81 ± 3.05", "43.10 ± 3.16"],
    1000: ["89.69 ± 0.73", "92.96 ± 0.81", "69.86 ± 1.21", "69.98 ± 1.22", "43.95 ± 2.05", "44.44 ± 2.10"],
}
COLUMNS = ["cifar10_valid", "cifar10_test", "cifar100_valid", "cifar100_test",
           "imagenet16_120_valid", "imagenet16_120_test"]


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def score(a, arch, *extra):
    out = run([a.naswot, "score", "--space", "nb201", "--arch", arch, "--json", "-q",
               "--threads", "1", *extra])
    v = json.loads(out)["score"]
    return float(v) if not isinstance(v, str) else float(v.replace("inf", "inf"))


def scatter_svg(points, path, xlabel, ylabel):
    """points: (score, accuracy); -inf scores are left out (counted in the caption)."""
    pts = [(s, y) for s, y in points if math.isfinite(s)]
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
    w, h, m = 640, 480, 60
    sx = lambda v: m + (v - x0) / (x1 - x0) * (w - 2 * m)
    sy = lambda v: h - m - (v - y0) / (y1 - y0) * (h - 2 * m)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>']
    for s, y in pts:
        out.append(f'<circle cx="{sx(s):.1f}" cy="{sy(y):.1f}" r="1.2" fill="#1f77b4" fill-opacity="0.35"/>')
    out.append(f'<line x1="{m}" y1="{h-m}" x2="{w-m}" y2="{h-m}" stroke="black"/>')
    out.append(f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h-m}" stroke="black"/>')
    for i in range(6):
        xv, yv = x0 + (x1 - x0) * i / 5, y0 + (y1 - y0) * i / 5
        out.append(f'<text x="{sx(xv):.0f}" y="{h-m+16}" text-anchor="middle">{xv:.0f}</text>')
        out.append(f'<text x="{m-6}" y="{sy(yv)+4:.0f}" text-anchor="end">{yv:.0f}</text>')
    out.append(f'<text x="{w/2}" y="{h-15}" text-anchor="middle">{xlabel}</text>')
    out.append(f'<text x="15" y="{h/2}" text-anchor="middle" transform="rotate(-90 15 {h/2})">{ylabel}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--naswot", required=True)
    p.add_argument("--cifar10", required=True)
    p.add_argument("--table", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--subset", type=int, default=1000, help="archs for the variant τ comparisons")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    data = "cifar10:" + a.cifar10
    scores_csv = os.path.join(a.out, "nb201_scores.csv")

    t0 = time.time()
    run([a.naswot, "scan", "--space", "nb201", "--all", "--bench", a.table, "--data", data,
         "--batch-size", "128", "--seed", "1", "--out", scores_csv, "-q"])
    scan_wall = time.time() - t0
    with open(scores_csv) as f:
        rows = list(csv.DictReader(f))
    scan_seconds = sum(float(r["seconds"]) for r in rows)
    corr = json_lines(run([a.naswot, "correlate", "--scores", scores_csv, "--bench", a.table, "--json"]))
    sim = json_lines(run([a.naswot, "simulate", "--scores", scores_csv, "--bench", a.table,
                          "--samples", "10,100,1000", "--runs", "500", "--seed", "1",
                          "--metric", ",".join(COLUMNS), "--json"]))

    with open(a.table) as f:
        table = {r["arch"]: r for r in csv.DictReader(f)}
    score_of = {r["arch"]: float(r["score"]) for r in rows}
    scatter_svg([(score_of[k], float(table[k]["cifar10_valid"])) for k in score_of],
                os.path.join(a.out, "nb201_scatter.svg"), "NASWOT score (CIFAR-10, batch 128)",
                "CIFAR-10 validation accuracy (%)")

    # Ablations on 10 architectures spread over the accuracy range (paper Figure 5).
    by_acc = sorted(table.values(), key=lambda r: float(r["cifar10_valid"]))
    picks = [by_acc[int((i + 0.5) / 10 * len(by_acc))]["arch"] for i in range(10)]
    ablation = []
    for arch in picks:
        w = [score(a, arch, "--data", data, "--batch", "first", "--weight-seed", str(s)) for s in range(1, 21)]
        b = [score(a, arch, "--data", data, "--seed", str(s), "--weight-seed", "1") for s in range(1, 21)]
        g = [score(a, arch, "--seed", str(s)) for s in range(1, 21)]
        bs = [score(a, arch, "--data", data, "--batch-size", str(n), "--seed", "1") for n in (32, 64, 128, 256)]
        ablation.append((arch, float(table[arch]["cifar10_valid"]), w, b, g, bs))

    # τ of score variants on a random subset (the same archs for every variant).
    rng = random.Random(1)
    subset = sorted(rng.sample(range(len(rows)), a.subset))
    idx_file = os.path.join(a.out, "nb201_subset_indices.txt")
    with open(idx_file, "w") as f:
        f.write("\n".join(rows[i]["index"] for i in subset) + "\n")
    variants = {}
    for name, extra in [("unique", ["--data", data, "--relu-sites", "unique"]),
                        ("gaussian", [])]:
        path = os.path.join(a.out, f"nb201_subset_{name}.csv")
        run([a.naswot, "scan", "--space", "nb201", "--indices", idx_file, "--bench", a.table,
             "--batch-size", "128", "--seed", "1", "--out", path, "-q", *extra])
        variants[name] = json_lines(run([a.naswot, "correlate", "--scores", path, "--bench", a.table,
                                         "--metric", "cifar10_valid", "--json"]))[0]
    ref_subset = os.path.join(a.out, "nb201_subset_reference.csv")
    with open(ref_subset, "w") as f:
        f.write("index,arch,score,n_units,seconds\n")
        for i in subset:
            r = rows[i]
            f.write(f'{r["index"]},{r["arch"]},{r["score"]},{r["n_units"]},{r["seconds"]}\n')
    variants["reference"] = json_lines(run([a.naswot, "correlate", "--scores", ref_subset, "--bench",
                                            a.table, "--metric", "cifar10_valid", "--json"]))[0]
    for name in ("reference", "unique", "gaussian"):
        if name != "reference":
            os.remove(os.path.join(a.out, f"nb201_subset_{name}.csv"))
    os.remove(ref_subset)
    os.remove(idx_file)

    write_doc(a, rows, corr, sim, ablation, variants, scan_wall, scan_seconds)


def fmt_ms(m):
    return f'{m["mean"]:.2f} ± {m["std"]:.2f}'


def write_doc(a, rows, corr, sim, ablation, variants, scan_wall, scan_seconds):
    n_inf = sum(1 for r in rows if r["score"] == "-inf")
    L = ["# NAS-Bench-201: NASWOT reproduced with naswot", "",
         "Generated by `repro/nb201.sh` (do not edit by hand). Scores: every one of the 15,625",
         "NB201 networks scored once on the same CIFAR-10 batch (128 random images of",
         f"`{a.cifar10}`, `--seed 1`), reference ReLU-site counting, f32, PyTorch-default initial",
         "weights (torch.manual_seed(1) stream). Scores are in `nb201_scores.csv`.", "",
         f"- networks scored: {len(rows)}; scores of −inf (singular K): {n_inf}",
         f"- scoring time summed over the rows (`seconds` column, 2 networks at a time, 1 thread each): "
         f"{scan_seconds:.0f} s; wall time of the scan is in BENCHMARKS.md"
         + (f" (this run added rows in {scan_wall:.0f} s)" if scan_wall > 5 else ""), "",
         "## Correlation with accuracy (all 15,625 networks, CIFAR-10 scores)", "",
         "| column | n | Kendall τ-b | Spearman ρ |", "|---|---|---|---|"]
    for c in corr:
        L.append(f'| {c["metric"]} | {c["n"]} | {c["kendall_tau"]:.3f} | {c["spearman_rho"]:.3f} |')
    L += ["", "Paper (Figure 3, ~1000 sampled networks): τ = 0.574 (CIFAR-10), 0.611 (CIFAR-100),",
          "0.549 (ImageNet16-120). The reference's scoring script correlates CIFAR-10 scores with",
          "`cifar10_trainhalf_test`. CIFAR-100 and ImageNet16-120 images are not available here, so",
          "every column above is correlated with the CIFAR-10 scores (the paper's Table 2(a) protocol).", "",
          "![score vs CIFAR-10 validation accuracy](nb201_scatter.svg)", "",
          "## Best-of-N search, 500 simulated runs (paper Table 2(a))", "",
          "Each run draws N networks uniformly with replacement and keeps the highest score;",
          "`optimal` is the most accurate network in the same sample, `random` a uniform pick.", "",
          "| method | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for r in sim:
        L.append(f'| {r["row"]} N={r["samples"]} | ' + " | ".join(fmt_ms(r[c]) for c in COLUMNS) + " |")
        if r["row"] == "naswot":
            L.append(f'| *paper* N={r["samples"]} | ' + " | ".join(PAPER[r["samples"]]) + " |")
    L += ["", "## Ablations (paper Figure 5)", "",
          "Ten networks spread over the accuracy range. Spread = standard deviation (and range) of the",
          "score over 20 initial-weight seeds (same first 128 images), over 20 random batches (same",
          "weights), and with Gaussian N(0,1) inputs instead of images (20 seeds); and the score at",
          "batch sizes 32/64/128/256 (log det grows with the batch size, so only the order matters).", "",
          "| cifar10_valid | arch | weights: mean ± sd | batches: mean ± sd | gaussian: mean ± sd | B=32 / 64 / 128 / 256 |",
          "|---|---|---|---|---|---|"]
    for arch, acc, w, b, g, bs in ablation:
        def ms(v):
            f = [x for x in v if math.isfinite(x)]
            if len(f) < 2:
                return "−inf"
            return f"{statistics.mean(f):.1f} ± {statistics.pstdev(f):.2f}"
        cell = arch.replace("|", "\\|")  # a bare | would split the markdown table
        L.append(f"| {acc:.2f} | `{cell}` | {ms(w)} | {ms(b)} | {ms(g)} | " +
                 " / ".join("−inf" if not math.isfinite(x) else f"{x:.0f}" for x in bs) + " |")
    L += ["", f"Kendall τ-b against `cifar10_valid` on the same random {a.subset} networks:", "",
          "| variant | τ-b | ρ |", "|---|---|---|"]
    names = {"reference": "CIFAR-10, reference counting (default)",
             "unique": "CIFAR-10, `--relu-sites unique`", "gaussian": "Gaussian inputs, reference counting"}
    for k in ("reference", "unique", "gaussian"):
        v = variants[k]
        L.append(f'| {names[k]} | {v["kendall_tau"]:.3f} | {v["spearman_rho"]:.3f} |')
    with open(os.path.join(a.out, "nb201.md"), "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
