#!/usr/bin/env python3
"""Design prototype (not the engine): a seasonal reference per NAB series, measured under the
quality protocol against ClipStream's location score (Docs/quality.md, "A seasonal reference").

Per series: the period P is the lag (12..600) of the highest autocorrelation (> 0.3) of the
train prefix (the first 15%, streamed first); the raw score is |x_t - x_{t-P}| over a running
mean absolute difference (clipped at 10x, rate 0.01), prequential; the sustained score is
max(raw, EWMA 0.05 of min(raw, 10)), as in the engine. Printed: ROC-AUC per series (test rows)
for the seasonal score and the engine's, then the means of the seasonal score calibrated
(-log10 of the share of past scores at least as high), of the engine's calibrated score, and
of their maximum and sum.

Usage: python3 Scripts/prototype-seasonal.py   (needs ../shared/data and a release build)
"""
import csv, gzip, glob, json, os, sys
import numpy as np
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
windows = json.load(open(os.path.join(DATA, "nab", "labels", "combined_windows.json")))
def auc(s, y):
    s = np.asarray(s); y = np.asarray(y, bool)
    if y.all() or (~y).all(): return None
    order = np.argsort(s, kind="mergesort"); ranks = np.empty(len(s))
    sv = s[order]
    # average ties
    ranks_sorted = np.empty(len(s))
    j = 0
    while j < len(s):
        k = j
        while k + 1 < len(s) and sv[k+1] == sv[j]: k += 1
        ranks_sorted[j:k+1] = (j + k + 2) / 2
        j = k + 1
    ranks[order] = ranks_sorted
    npos = y.sum(); nneg = len(y) - npos
    return (ranks[y].sum() - npos*(npos+1)/2) / (npos*nneg)
res = []
for p in sorted(glob.glob(os.path.join(DATA, "nab", "data", "*", "*.csv.gz"))):
    key = p.split(os.sep)[-2] + "/" + os.path.basename(p)[:-3]
    spans = [(a[:19], b[:19]) for a, b in windows[key]]
    rows = list(csv.reader(gzip.open(p, "rt")))[1:]
    x = np.array([float(v) for _, v in rows]); lab = np.array([any(a <= t <= b for a, b in spans) for t, _ in rows])
    n = len(x); pre = int(0.15 * n)
    tr = x[:pre] - x[:pre].mean()
    best_p, best_r = None, 0.3
    for P in range(12, min(pre // 2, 600)):
        a, b = tr[P:], tr[:-P]
        den = np.sqrt((a*a).sum() * (b*b).sum())
        if den == 0: continue
        r = (a*b).sum() / den
        if r > best_r: best_r, best_p = r, P
    # seasonal score, prequential
    sc = np.zeros(n); mad = None; beta = 0.01
    ema = np.zeros(n)
    for t in range(n):
        if best_p is None or t < best_p:
            d = x[t] - (x[t-1] if t else x[t])
        else:
            d = x[t] - x[t-best_p]
        if mad is None: mad = abs(d) + 1e-9
        raw = abs(d) / mad
        sc[t] = raw
        mad = (1 - beta) * mad + beta * min(abs(d), 10 * mad) + 1e-12
    # sustained: EWMA 0.05 of min(raw, 10)
    s = 0.0
    for t in range(n):
        s = 0.95 * s + 0.05 * min(sc[t], 10); ema[t] = max(sc[t], s)
    res.append((key, best_p, round(best_r, 2), auc(sc[pre:], lab[pre:]), auc(ema[pre:], lab[pre:])))
for key, P, r, a1, a2 in res:
    print(f"{key[:44]:45} period {P} (autocorrelation {r}): seasonal ROC-AUC {a1 and round(a1, 3)}, sustained {a2 and round(a2, 3)}")

# Combination with the engine's calibrated location score (prequential, per series).
import subprocess, tempfile, importlib.util
spec = importlib.util.spec_from_file_location("rdc", os.path.join(os.path.dirname(os.path.abspath(__file__)), "real-data-check.py"))
rdc = importlib.util.module_from_spec(spec); spec.loader.exec_module(rdc)
tmp = tempfile.mkdtemp(); src = os.path.join(tmp, "in.csv"); outp = os.path.join(tmp, "out.csv")
rdc.write_nab(src)
subprocess.run([rdc.BINARY, "score", src, "--label-column", "label", "--time-column", "phase", "-o", outp], check=True)
loc = {}
for row in csv.DictReader(open(outp)):
    loc.setdefault(row["key"], []).append(float(row["score"]))
def calib(v):
    # prequential surprise: -log10 of the share of past values >= v (decayed none)
    out = np.zeros(len(v)); hist = []
    import bisect
    for i, s in enumerate(v):
        k = len(hist) - bisect.bisect_left(hist, s)
        out[i] = np.log10((len(hist) + 1) / (k + 0.5))
        bisect.insort(hist, s)
    return out
sums = {"max": 0, "mean": 0, "loc": 0, "seas": 0}; cnt = 0
for p in sorted(glob.glob(os.path.join(DATA, "nab", "data", "*", "*.csv.gz"))):
    key = p.split(os.sep)[-2] + "/" + os.path.basename(p)[:-3]
    rows = list(csv.reader(gzip.open(p, "rt")))[1:]
    spans = [(a[:19], b[:19]) for a, b in windows[key]]
    lab = np.array([any(a <= t <= b for a, b in spans) for t, _ in rows])
    n = len(rows); pre = int(0.15 * n)
    l = np.array(loc[key])
    r = [x for x in res if x[0] == key][0]
    # recompute seasonal sustained for this key
    x = np.array([float(v) for _, v in rows]); P = r[1]
    sc = np.zeros(n); mad = None
    for t in range(n):
        d = x[t] - (x[t-P] if P and t >= P else (x[t-1] if t else x[t]))
        if mad is None: mad = abs(d) + 1e-9
        sc[t] = abs(d) / mad; mad = 0.99 * mad + 0.01 * min(abs(d), 10 * mad) + 1e-12
    s = 0.0; ema = np.zeros(n)
    for t in range(n):
        s = 0.95 * s + 0.05 * min(sc[t], 10); ema[t] = max(sc[t], s)
    cs = calib(ema)
    a = {"max": auc(np.maximum(l, cs)[pre:], lab[pre:]), "mean": auc((l + cs)[pre:], lab[pre:]),
         "loc": auc(l[pre:], lab[pre:]), "seas": auc(cs[pre:], lab[pre:])}
    if a["loc"] is None: continue
    cnt += 1
    for k in sums: sums[k] += a[k]
print("mean ROC-AUC over series:", {k: round(float(v) / cnt, 3) for k, v in sums.items()})
