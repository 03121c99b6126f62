#!/usr/bin/env python3
"""Which paired test for the gate (docs/gate.md, "Which paired test"): resamples the per-round
log ratios aa/base that bench/gate-accuracy.sh measured (its p50.tsv), adds a known change, and
counts how often the gate's rule (paired bootstrap interval of the median beyond the 5 % tolerance
and p < 0.05) fails with Wilcoxon's signed-rank test and with the sign test.
  bench/paired-tests.py runs/gate-accuracy/FOLDER   (needs python3-scipy; seed 1, 2,000 gates)"""
import collections, math, sys
import numpy as np
from scipy.stats import binomtest, wilcoxon

rounds = collections.defaultdict(dict)
for line in open(sys.argv[1] + "/p50.tsv"):
    gate, rnd, _, arm, p50 = line.split()
    rounds[(gate, rnd)][arm] = float(p50)
aa = np.array([math.log(r["aa"] / r["base"]) for r in rounds.values() if "aa" in r])
mad = 1.4826 * np.median(abs(aa - np.median(aa)))
print(f"{len(aa)} A/A rounds: log ratio median {np.median(aa):+.4f}, sd {aa.std():.4f}, "
      f"sd from the MAD {mad:.4f}, beyond ±0.15: {(abs(aa) > 0.15).sum()}")
rng = np.random.default_rng(1)

def p_sign(x):
    n = int((x != 0).sum())
    return binomtest(int((x > 0).sum()), n).pvalue if n else 1.0

def fails(x, test):
    medians = np.median(x[rng.integers(0, len(x), (1000, len(x)))], axis=1)
    beyond = np.quantile(medians, 0.025) > math.log(1.05)
    p = wilcoxon(x).pvalue if test == "signed-rank" else p_sign(x)
    return beyond and p < 0.05, p < 0.05

print(f"{'change':>7} {'test':>12} {'failed':>7} {'p<0.05':>7}")
for change in (0, 0.05, 0.08, 0.10, 0.13):
    for test in ("signed-rank", "sign"):
        got = [fails(rng.choice(aa, 10) + math.log(1 + change), test) for _ in range(2000)]
        print(f"{change:>+7.0%} {test:>12} {np.mean([g[0] for g in got]):>7.3f} "
              f"{np.mean([g[1] for g in got]):>7.3f}")
