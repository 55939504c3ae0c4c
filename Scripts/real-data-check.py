#!/usr/bin/env python3
"""Quick detection-quality check of `clipstream score` on ../shared/data (SMD group 1, NAB).

Protocol (the quality issue's): per key, the train split (SMD) or first 15% (NAB) is streamed
first, then the test rows, every row scored before it is learned; metrics on test rows only,
ROC-AUC (ties averaged) per key (mean over keys with both classes) and pooled.
Until `clipstream evaluate` exists this is how Docs/quality.md's SMD and NAB rows were made.

    Scripts/real-data-check.py smd [clipstream score options...]
    Scripts/real-data-check.py nab [clipstream score options...]

Needs numpy and scipy, and a release build (.build/release/clipstream).
"""
import csv, glob, gzip, json, os, subprocess, sys, tempfile
import numpy as np
from scipy.stats import rankdata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")
BINARY = os.path.join(ROOT, ".build", "release", "clipstream")


def write_smd(path):
    machines = sorted({os.path.basename(p).split(".")[0]
                       for p in glob.glob(os.path.join(DATA, "smd", "machine-*.train.csv.gz"))})
    rows = {}
    for m in machines:
        train = list(csv.reader(gzip.open(os.path.join(DATA, "smd", m + ".train.csv.gz"), "rt")))[1:]
        test = list(csv.reader(gzip.open(os.path.join(DATA, "smd", m + ".test.csv.gz"), "rt")))[1:]
        rows[m] = [("train", "0", r[1:]) for r in train] + [("test", r[1], r[2:]) for r in test]
    with open(path, "w") as out:
        out.write("key,phase,label," + ",".join(f"m{i}" for i in range(38)) + "\n")
        for t in range(max(len(v) for v in rows.values())):  # interleaved by tick
            for m in machines:
                if t < len(rows[m]):
                    phase, label, values = rows[m][t]
                    out.write(f"{m},{phase},{label}," + ",".join(values) + "\n")


def write_nab(path):
    windows = json.load(open(os.path.join(DATA, "nab", "labels", "combined_windows.json")))
    with open(path, "w") as out:
        out.write("key,phase,label,value\n")
        for p in sorted(glob.glob(os.path.join(DATA, "nab", "data", "*", "*.csv.gz"))):
            key = p.split(os.sep)[-2] + "/" + os.path.basename(p)[:-3]
            spans = [(a[:19], b[:19]) for a, b in windows[key]]
            rows = list(csv.reader(gzip.open(p, "rt")))[1:]
            prefix = int(0.15 * len(rows))
            for i, (stamp, value) in enumerate(rows):
                label = int(any(a <= stamp <= b for a, b in spans))
                out.write(f'"{key}",{"train" if i < prefix else "test"},{label},{value}\n')


def auc(scores, labels):
    positives = labels.sum()
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = rankdata(scores)
    return (ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)


def main():
    dataset, options = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        source, scored = os.path.join(tmp, "in.csv"), os.path.join(tmp, "out.csv")
        (write_smd if dataset == "smd" else write_nab)(source)
        subprocess.run([BINARY, "score", source, "--label-column", "label", "--time-column", "phase",
                        "-o", scored] + options, check=True)
        scores, labels, alerts = {}, {}, {}
        for r in csv.DictReader(open(scored)):
            if r["time"] == "train":
                continue
            scores.setdefault(r["key"], []).append(float(r["score"]))
            labels.setdefault(r["key"], []).append(int(r["label"]))
            alerts.setdefault(r["key"], []).append(r["alert"] == "1")
    keys = sorted(scores)
    per_key = [a for a in (auc(np.array(scores[k]), np.array(labels[k])) for k in keys) if a is not None]
    s = np.concatenate([scores[k] for k in keys])
    l = np.concatenate([labels[k] for k in keys])
    a = np.concatenate([alerts[k] for k in keys])
    tp = int((a & (l == 1)).sum())
    print(f"{dataset}: mean ROC-AUC {np.mean(per_key):.3f} over {len(per_key)} keys, pooled {auc(s, l):.3f}; "
          f"alerts {int(a.sum())}, precision {tp / max(1, a.sum()):.3f}, recall {tp / max(1, l.sum()):.3f}")


if __name__ == "__main__":
    main()
