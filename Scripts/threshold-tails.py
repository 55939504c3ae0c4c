#!/usr/bin/env python3
"""How well do tail models predict the 0.999 quantile of a row's standardized norm?

Reproduces the tables in Docs/quality.md ("Choice of the threshold's tail model"). The norm
||t|| of d independent Student-t coordinates is divided by its median (as ClipStream's score is
divided by the median pull); each model predicts q_0.999 from quantiles a tracker could hold:
a log-normal from (q_0.5, q_0.9), the Pareto extension ScoreThreshold uses from (q_0.9,
q_0.98), and a generalized Pareto tail from (q_0.9, q_0.98, q_0.996) whose shape is Pickands'
estimate, xi = ln((q_0.996 - q_0.98) / (q_0.98 - q_0.9)) / ln 5 (tail probabilities 0.1, 0.02,
0.004 step by 5). The second table gives each model's prediction over the true value from the
quantiles of 4,000-row samples (200 of them): the median and the 10% and 90% points.
Requires numpy and scipy.
"""
import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(0)
p = 0.001
STEPS = np.log(0.1 / p) / np.log(5)  # from q_0.9 to q_{1-p} in steps of a factor 5 in tail probability


def lognormal(q50, q90):
    k = (norm.ppf(1 - p) - norm.ppf(0.9)) / norm.ppf(0.9)
    return q50 * (q90 / q50) ** (1 + k)


def pareto(q90, q98):
    return q98 * (q98 / q90) ** (np.log(0.02 / p) / np.log(5))


def generalized_pareto(q90, q98, q996):
    low, high = q98 - q90, q996 - q98
    xi = np.log(max(high, 1e-12) / max(low, 1e-12)) / np.log(5)
    if abs(xi) < 1e-6:
        return q90 + low * STEPS
    return q90 + low * (5 ** (STEPS * xi) - 1) / (5 ** xi - 1)


def spread(values):
    return f"{np.median(values):.2f} [{np.quantile(values, 0.1):.2f}, {np.quantile(values, 0.9):.2f}]"


exact, sampled = [], []
for d in [1, 4, 32, 256]:
    for df in [2.5, 4, 1000]:
        x = rng.standard_t(df, size=(400_000, d))
        r = np.sqrt((x ** 2).sum(axis=1))
        r /= np.median(r)
        q50, q90, q98, q996, q999 = np.quantile(r, [0.5, 0.9, 0.98, 0.996, 0.999])
        exact.append(f"| {d} | {df:g} | {q999:.2f} | {lognormal(q50, q90):.2f} | {pareto(q90, q98):.2f} "
                     f"| {generalized_pareto(q90, q98, q996):.2f} |")
        ratios = {"pareto": [], "gpd": []}
        for _ in range(200):
            a, b, c = np.quantile(rng.choice(r, 4000), [0.9, 0.98, 0.996])
            ratios["pareto"].append(pareto(a, b) / q999)
            ratios["gpd"].append(generalized_pareto(a, b, c) / q999)
        sampled.append(f"| {d} | {df:g} | {spread(ratios['pareto'])} | {spread(ratios['gpd'])} |")

print("| d | df | true q_0.999 | log-normal from (q_0.5, q_0.9) | Pareto from (q_0.9, q_0.98) | generalized Pareto from (q_0.9, q_0.98, q_0.996) |")
print("|---|---|---|---|---|---|")
print("\n".join(exact))
print()
print("| d | df | Pareto / true, 4,000-row samples | generalized Pareto / true, 4,000-row samples |")
print("|---|---|---|---|")
print("\n".join(sampled))
