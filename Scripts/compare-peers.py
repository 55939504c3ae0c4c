#!/usr/bin/env python3
"""Streaming anomaly-detection peers on ../shared/data (SMD group 1, NAB), under the quality protocol.

Protocol (the same as Scripts/real-data-check.py's):
  * one fresh model per key; the key's train split is streamed first, then its test split, in time
    order; every row is scored BEFORE the model learns from it (prequential: score, then learn);
  * SMD group 1: keys = machines (smd/machine-1-*.{train,test}.csv.gz, 38 metrics m0..m37);
  * NAB: keys = the 19 series under nab/data/<category>/; the first int(0.15 * n) rows of a series
    are its train prefix, the rest its test rows; a row is positive when start <= timestamp <= end
    for a window of nab/labels/combined_windows.json (timestamps compared on their first 19 chars);
  * metrics on test rows only: per key ROC-AUC (sklearn roc_auc_score, ties averaged), PR-AUC
    (sklearn average_precision_score) and the best F1 over all thresholds, averaged over the keys
    that have both classes; pooled ROC-AUC and PR-AUC rank all test rows of a set together (raw
    scores, no per-key normalisation). NAB also gets per-category means.
  * higher score = more anomalous. Non-finite scores are replaced by the key's largest finite test
    score and counted ("nonfinite" in the JSON).

Peers (hyper-parameters are the libraries' defaults unless said):
  loda     PySAD LODA, fit_score_partial on every train and test row (random_state=--seed, default 0).
  rshash   PySAD RSHash, fit_score_partial on the last 1,000 train rows, then every test row
           (it is slow). feature_mins / feature_maxes (required arguments) = the key's train-split
           column minima / maxima (all of the train split, not only the streamed tail);
           random_state=--seed.
  hst      River compose.Pipeline(preprocessing.MinMaxScaler(), anomaly.HalfSpaceTrees(seed=42)),
           score_one then learn_one on every row.
  ewma     per-dimension EWMA mean and variance (alpha 0.01, mean starts at the first row, variance
           at 0), each row scored against the state before it: score = MAX over dimensions of
           |x - mean| / sqrt(var + 1e-12). Vectorised exactly with scipy.signal.lfilter.
  iforest  scikit-learn IsolationForest(n_estimators=100, random_state=0) fitted once on the key's
           train split (a batch reference, not streaming), test score = -score_samples(test).

rows/s = rows the peer processed (streamed train + test rows; for iforest fitted + scored rows)
divided by the summed per-key wall time of that peer (one thread per key; --jobs runs keys in
parallel processes, each timed on its own).

    .venv-peers/bin/python Scripts/compare-peers.py --set all \\
        --json Docs/peers-results.json --markdown Docs/peers-results.md

Install: python3 -m venv .venv-peers && .venv-peers/bin/pip install -r Scripts/requirements-peers.txt
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import csv
import glob
import gzip
import json
import platform
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "data")
ALL_PEERS = ["loda", "rshash", "hst", "ewma", "iforest"]
PEER_NAMES = {
    "loda": "PySAD LODA",
    "rshash": "PySAD RSHash (last 1k train rows)",
    "hst": "River MinMaxScaler + HalfSpaceTrees",
    "ewma": "EWMA z-score (max over dims)",
    "iforest": "sklearn IsolationForest (fit on train)",
}
RSHASH_TRAIN_TAIL = 1000
EWMA_ALPHA = 0.01
EWMA_EPS = 1e-12


# ----------------------------------------------------------------------------------------- data

def _read_csv_gz(path):
    with gzip.open(path, "rt", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    return header, rows


def load_smd(data):
    keys = []
    paths = glob.glob(os.path.join(data, "smd", "machine-1-*.train.csv.gz"))
    machines = sorted({os.path.basename(p).split(".")[0] for p in paths},
                      key=lambda m: [int(part) for part in m.split("-")[1:]])
    if not machines:
        sys.exit(f"no SMD group 1 files under {data}/smd")
    for machine in machines:
        head_tr, train = _read_csv_gz(os.path.join(data, "smd", machine + ".train.csv.gz"))
        head_te, test = _read_csv_gz(os.path.join(data, "smd", machine + ".test.csv.gz"))
        assert head_tr[0] == "t" and head_te[:2] == ["t", "label"], (head_tr[:2], head_te[:3])
        train_x = np.array([r[1:] for r in train], dtype=np.float64)
        test_x = np.array([r[2:] for r in test], dtype=np.float64)
        labels = np.array([r[1] for r in test], dtype=np.int8)
        for rows in (train, test):  # time order
            t = np.array([r[0] for r in rows], dtype=np.int64)
            assert np.all(np.diff(t) == 1) and t[0] == 0, machine
        keys.append(dict(key=machine, category="smd", train=train_x, test=test_x, labels=labels,
                         features=head_tr[1:]))
    return keys


def load_nab(data):
    windows = json.load(open(os.path.join(data, "nab", "labels", "combined_windows.json")))
    keys = []
    for path in sorted(glob.glob(os.path.join(data, "nab", "data", "*", "*.csv.gz"))):
        category = path.split(os.sep)[-2]
        key = category + "/" + os.path.basename(path)[:-3]
        header, rows = _read_csv_gz(path)
        assert header == ["timestamp", "value"], header
        stamps = np.array([r[0][:19] for r in rows])
        assert np.all(stamps[1:] >= stamps[:-1]), key  # in time order (4 files repeat one timestamp; file order kept)
        values = np.array([r[1] for r in rows], dtype=np.float64).reshape(-1, 1)
        labels = np.zeros(len(rows), dtype=np.int8)
        for start, end in windows[key]:
            labels |= ((stamps >= start[:19]) & (stamps <= end[:19])).astype(np.int8)
        prefix = int(0.15 * len(rows))
        keys.append(dict(key=key, category=category, train=values[:prefix], test=values[prefix:],
                         labels=labels[prefix:], features=["value"]))
    if not keys:
        sys.exit(f"no NAB files under {data}/nab/data")
    return keys


# ---------------------------------------------------------------------------------------- peers

def peer_loda(train, test, features, seed):
    from pysad.models import LODA
    model = LODA(random_state=seed)
    stream = np.ascontiguousarray(np.vstack([train, test]), dtype=np.float64)
    scores = np.empty(len(stream))
    for i in range(len(stream)):
        scores[i] = model.fit_score_partial(stream[i])
    return scores[len(train):], len(stream)


def peer_rshash(train, test, features, seed):
    from pysad.models import RSHash
    model = RSHash(feature_mins=train.min(axis=0), feature_maxes=train.max(axis=0),
                   random_state=seed)
    stream = np.ascontiguousarray(np.vstack([train[-RSHASH_TRAIN_TAIL:], test]), dtype=np.float64)
    scores = np.empty(len(stream))
    for i in range(len(stream)):
        scores[i] = model.fit_score_partial(stream[i])
    return scores[len(stream) - len(test):], len(stream)


def peer_hst(train, test, features, seed):
    from river import anomaly, compose, preprocessing
    model = compose.Pipeline(preprocessing.MinMaxScaler(), anomaly.HalfSpaceTrees(seed=42))
    stream = np.vstack([train, test]).tolist()
    scores = np.empty(len(stream))
    for i, row in enumerate(stream):
        x = dict(zip(features, row))
        scores[i] = model.score_one(x)
        model.learn_one(x)
    return scores[len(train):], len(stream)


def ewma_scores(stream, alpha=EWMA_ALPHA, eps=EWMA_EPS):
    """Row t is scored against the EWMA state after rows 0..t-1 (row 0 scores 0).

    Per dimension: mean_0 = x_0, var_0 = 0; for t >= 1, d = x_t - mean_{t-1},
    mean_t = mean_{t-1} + alpha d, var_t = (1 - alpha)(var_{t-1} + alpha d^2).
    Both recursions are first-order linear filters, so lfilter computes them exactly.
    """
    from scipy.signal import lfilter
    x = np.asarray(stream, dtype=np.float64)
    decay = 1.0 - alpha
    mean = lfilter([alpha], [1.0, -decay], x, axis=0, zi=(decay * x[0])[None, :])[0]
    prev_mean = np.vstack([x[:1], mean[:-1]])
    diff = x - prev_mean
    var = lfilter([decay * alpha], [1.0, -decay], diff * diff, axis=0)
    prev_var = np.vstack([np.zeros((1, x.shape[1])), var[:-1]])
    return (np.abs(diff) / np.sqrt(prev_var + eps)).max(axis=1)


def ewma_scores_loop(stream, alpha=EWMA_ALPHA, eps=EWMA_EPS):
    """Row-by-row reference for ewma_scores (used by --self-test)."""
    x = np.asarray(stream, dtype=np.float64)
    mean, var = x[0].copy(), np.zeros(x.shape[1])
    out = np.zeros(len(x))
    for t in range(1, len(x)):
        d = x[t] - mean
        out[t] = (np.abs(d) / np.sqrt(var + eps)).max()
        mean = mean + alpha * d
        var = (1.0 - alpha) * (var + alpha * d * d)
    return out


def peer_ewma(train, test, features, seed):
    stream = np.vstack([train, test])
    return ewma_scores(stream)[len(train):], len(stream)


def peer_iforest(train, test, features, seed):
    from sklearn.ensemble import IsolationForest
    model = IsolationForest(n_estimators=100, random_state=0).fit(train)
    return -model.score_samples(test), len(train) + len(test)


IMPORTS = dict(loda=["pysad.models"], rshash=["pysad.models"],
               hst=["river.anomaly", "river.compose", "river.preprocessing"],
               ewma=["scipy.signal"], iforest=["sklearn.ensemble"])
PEERS = dict(loda=peer_loda, rshash=peer_rshash, hst=peer_hst, ewma=peer_ewma, iforest=peer_iforest)


# -------------------------------------------------------------------------------------- metrics

def sanitize(scores):
    scores = np.asarray(scores, dtype=np.float64).copy()
    bad = ~np.isfinite(scores)
    count = int(bad.sum())
    if count:
        finite = scores[~bad]
        scores[bad] = finite.max() if len(finite) else 0.0
    return scores, count


def metrics(scores, labels):
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score
    positives = int(labels.sum())
    out = dict(rows=int(len(labels)), positives=positives)
    if positives == 0 or positives == len(labels):
        out.update(roc_auc=None, pr_auc=None, best_f1=None)
        return out
    precision, recall, _ = precision_recall_curve(labels, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    out.update(roc_auc=float(roc_auc_score(labels, scores)),
               pr_auc=float(average_precision_score(labels, scores)),
               best_f1=float(np.nanmax(f1)))
    return out


def mean_of(per_key, field, keys=None):
    values = [m[field] for k, m in per_key.items()
              if m[field] is not None and (keys is None or k in keys)]
    return float(np.mean(values)) if values else None


# ---------------------------------------------------------------------------------------- runner

def run_one(task):
    set_name, peer, entry, seed = task
    random.seed(seed)
    np.random.seed(seed)  # PySAD's global-state fallback; every peer is also seeded explicitly
    for module in IMPORTS[peer]:  # imports are not timed
        __import__(module)
    start = time.perf_counter()
    scores, processed = PEERS[peer](entry["train"], entry["test"], entry["features"], seed)
    seconds = time.perf_counter() - start
    assert len(scores) == len(entry["test"])
    return set_name, peer, entry["key"], np.asarray(scores, dtype=np.float64), processed, seconds


def versions():
    from importlib import metadata
    out = dict(python=platform.python_version())
    for package in ("pysad", "river", "scikit-learn", "numpy", "scipy"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = None
    return out


def self_test():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 4)).cumsum(axis=0)
    x[:, 3] = 1.0
    x[2500, 3] = 2.0
    a, b = ewma_scores(x), ewma_scores_loop(x)
    rel = np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))
    assert rel < 1e-6, rel
    print(f"self-test: vectorised EWMA == row loop (max rel diff {rel:.2e})")


def fmt(value, digits=3):
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(results, meta):
    lines = ["# Streaming peers on shared/data (SMD group 1, NAB 3 categories)", "",
             "Made by `Scripts/compare-peers.py` (protocol in its docstring): per key, train then "
             "test streamed in time order, every row scored before it is learned (IsolationForest: "
             "fitted on the train split, scored on test); metrics on test rows only; means over keys "
             "with both classes; pooled = all test rows of a set ranked together (raw scores).", "",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".", ""]
    for set_name, peers in results.items():
        n_keys = len(next(iter(peers.values()))["per_key"]) if peers else 0
        lines += [f"## {set_name.upper()} ({n_keys} keys)", "",
                  "| peer | mean AUC | mean PR-AUC | mean best F1 | pooled AUC | pooled PR-AUC | rows/s |",
                  "|---|---|---|---|---|---|---|"]
        for peer, r in peers.items():
            s = r["summary"]
            lines.append(f"| {PEER_NAMES[peer]} | {fmt(s['mean_roc_auc'])} | {fmt(s['mean_pr_auc'])} | "
                         f"{fmt(s['mean_best_f1'])} | {fmt(s['pooled_roc_auc'])} | "
                         f"{fmt(s['pooled_pr_auc'])} | {r['rows_per_s']:,.0f} |")
        lines.append("")
        categories = next(iter(peers.values())).get("per_category") if peers else None
        if categories:
            lines += [f"{set_name.upper()} per category (mean over keys: AUC / PR-AUC / best F1):", "",
                      "| peer | " + " | ".join(categories) + " |",
                      "|---|" + "---|" * len(categories)]
            for peer, r in peers.items():
                cells = [f"{fmt(c['mean_roc_auc'])} / {fmt(c['mean_pr_auc'])} / {fmt(c['mean_best_f1'])}"
                         for c in r["per_category"].values()]
                lines.append(f"| {PEER_NAMES[peer]} | " + " | ".join(cells) + " |")
            lines.append("")
        notes = [f"{PEER_NAMES[p]}: {r['nonfinite']} non-finite scores replaced"
                 for p, r in peers.items() if r["nonfinite"]]
        if notes:
            lines += ["Non-finite scores: " + "; ".join(notes) + ".", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=["smd", "nab", "all"], default="all")
    parser.add_argument("--peers", default=",".join(ALL_PEERS),
                        help="comma-separated subset of " + ",".join(ALL_PEERS))
    parser.add_argument("--json", help="write every number (per key too) to this file")
    parser.add_argument("--markdown", help="write the tables to this file")
    parser.add_argument("--data", default=DEFAULT_DATA, help="shared/data folder (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="random_state of LODA and RSHash (default 0; HST keeps seed 42, IsolationForest 0)")
    parser.add_argument("--jobs", type=int, default=1, help="keys run in this many processes")
    parser.add_argument("--max-keys", type=int, help="only the first N keys of each set (smoke test)")
    parser.add_argument("--self-test", action="store_true", help="check the EWMA vectorisation and exit")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        parser.error(f"unknown peers {unknown}; choose from {ALL_PEERS}")
    sets = ["smd", "nab"] if args.set == "all" else [args.set]

    data = {}
    for set_name in sets:
        start = time.perf_counter()
        data[set_name] = (load_smd if set_name == "smd" else load_nab)(args.data)[:args.max_keys]
        print(f"{set_name}: {len(data[set_name])} keys loaded in {time.perf_counter() - start:.1f}s",
              file=sys.stderr)

    tasks = [(s, p, entry, args.seed) for s in sets for p in peers for entry in data[s]]
    outcomes = {}
    wall = {}
    for set_name in sets:
        for peer in peers:
            start = time.perf_counter()
            batch = [t for t in tasks if t[0] == set_name and t[1] == peer]
            if args.jobs > 1:
                with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                    done = list(pool.map(run_one, batch))
            else:
                done = [run_one(t) for t in batch]
            wall[(set_name, peer)] = time.perf_counter() - start
            for s, p, key, scores, processed, seconds in done:
                outcomes[(s, p, key)] = (scores, processed, seconds)
            print(f"{set_name} {peer}: {wall[(set_name, peer)]:.1f}s wall, "
                  f"{sum(outcomes[(set_name, peer, e['key'])][2] for e in data[set_name]):.1f}s summed",
                  file=sys.stderr)

    results = {}
    for set_name in sets:
        results[set_name] = {}
        for peer in peers:
            per_key, pooled_s, pooled_y = {}, [], []
            nonfinite, processed_total, seconds_total = 0, 0, 0.0
            for entry in data[set_name]:
                raw, processed, seconds = outcomes[(set_name, peer, entry["key"])]
                scores, bad = sanitize(raw)
                m = metrics(scores, entry["labels"])
                m.update(category=entry["category"], nonfinite=bad, processed_rows=processed,
                         seconds=round(seconds, 3))
                per_key[entry["key"]] = m
                nonfinite += bad
                processed_total += processed
                seconds_total += seconds
                pooled_s.append(scores)
                pooled_y.append(entry["labels"])
            pooled = metrics(np.concatenate(pooled_s), np.concatenate(pooled_y))
            summary = dict(keys=len(per_key),
                           keys_with_both_classes=sum(m["roc_auc"] is not None for m in per_key.values()),
                           mean_roc_auc=mean_of(per_key, "roc_auc"), mean_pr_auc=mean_of(per_key, "pr_auc"),
                           mean_best_f1=mean_of(per_key, "best_f1"), pooled_roc_auc=pooled["roc_auc"],
                           pooled_pr_auc=pooled["pr_auc"], pooled_best_f1=pooled["best_f1"],
                           test_rows=pooled["rows"], test_positives=pooled["positives"])
            result = dict(peer=PEER_NAMES[peer], summary=summary, nonfinite=nonfinite,
                          processed_rows=processed_total, seconds_summed=round(seconds_total, 3),
                          seconds_wall=round(wall[(set_name, peer)], 3),
                          rows_per_s=processed_total / seconds_total if seconds_total > 0 else float("inf"),
                          per_key=per_key)
            categories = sorted({e["category"] for e in data[set_name]})
            if len(categories) > 1:
                result["per_category"] = {
                    c: dict(keys=sum(m["category"] == c for m in per_key.values()),
                            mean_roc_auc=mean_of(per_key, "roc_auc", {k for k, m in per_key.items() if m["category"] == c}),
                            mean_pr_auc=mean_of(per_key, "pr_auc", {k for k, m in per_key.items() if m["category"] == c}),
                            mean_best_f1=mean_of(per_key, "best_f1", {k for k, m in per_key.items() if m["category"] == c}))
                    for c in categories}
            results[set_name][peer] = result

    meta = dict(versions=versions(), seed=args.seed, jobs=args.jobs, max_keys=args.max_keys,
                cpu=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
                rshash_train_tail=RSHASH_TRAIN_TAIL, ewma=dict(alpha=EWMA_ALPHA, eps=EWMA_EPS, combine="max"),
                protocol=__doc__.split("Peers")[0].strip())

    for set_name, peers_result in results.items():
        print(f"\n{set_name.upper()}")
        print(f"{'peer':<40} {'meanAUC':>8} {'meanPR':>8} {'meanF1':>8} {'poolAUC':>8} {'poolPR':>8} {'rows/s':>10}")
        for peer, r in peers_result.items():
            s = r["summary"]
            print(f"{PEER_NAMES[peer]:<40} {fmt(s['mean_roc_auc']):>8} {fmt(s['mean_pr_auc']):>8} "
                  f"{fmt(s['mean_best_f1']):>8} {fmt(s['pooled_roc_auc']):>8} {fmt(s['pooled_pr_auc']):>8} "
                  f"{r['rows_per_s']:>10,.0f}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(dict(meta=meta, results=results), out, indent=1)
            out.write("\n")
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(markdown(results, meta) + "\n")


if __name__ == "__main__":
    main()
