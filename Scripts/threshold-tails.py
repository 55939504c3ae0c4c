#!/usr/bin/env python3
"""How well do two-quantile tail models predict the 0.999 quantile of a row's standardized norm?

Reproduces the table in Docs/quality.md that chose ScoreThreshold's Pareto extension. The norm
||t|| of d independent Student-t coordinates is divided by its median (as ClipStream's score is
divided by the median pull); each model predicts q_0.999 from quantiles a tracker could hold.
Requires numpy and scipy.
"""
import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(0)
p = 0.001
print("| d | df | true q_0.999 | log-normal from (q_0.5, q_0.9) | Pareto from (q_0.9, q_0.98) |")
print("|---|---|---|---|---|")
for d in [1, 4, 32, 256]:
    for df in [2.5, 4, 1000]:
        x = rng.standard_t(df, size=(400_000, d))
        r = np.sqrt((x ** 2).sum(axis=1))
        q50, q90, q98, q999 = np.quantile(r, [0.5, 0.9, 0.98, 0.999])
        k_lognormal = (norm.ppf(1 - p) - norm.ppf(0.9)) / norm.ppf(0.9)
        lognormal = (q90 / q50) ** (1 + k_lognormal)
        pareto = q98 / q50 * (q98 / q90) ** (np.log(0.02 / p) / np.log(5))
        print(f"| {d} | {df:g} | {q999 / q50:.2f} | {lognormal:.2f} | {pareto:.2f} |")
