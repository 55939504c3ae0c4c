#!/usr/bin/env python3
"""How well `clipstream score --explain` names the metrics an SMD anomaly involves.

SMD ships, for each labelled anomaly segment, the metrics the operators found involved
(`../shared/data/smd/machine-*.interpretation.txt`). Under the quality protocol (every key's
train split, then its test split, each row scored before it is learned), this script reads the
`top` column of `clipstream score --explain 38` and scores each labelled test row that the
interpretation covers, as OmniAnomaly (Su et al., KDD 2019) and later work do:

- HitRate@P%: of the row's |G| involved metrics, the share found among its top
  round(P% |G|) attributed metrics (P = 100, 150);
- NDCG@P%: the same cut, graded by rank (binary relevance).

Reported over all such rows, over the alerted ones, and per machine, next to two references
computed here with numpy: the row's |x - mean| / std against its machine's train split (a batch
reference that has seen the whole train split) and a random order (the expected hit rate).

    python3 Scripts/explanation-check.py [clipstream score options...]
    python3 Scripts/explanation-check.py --json FILE [options...]

Needs a release build (.build/release/clipstream) and numpy.
"""
import csv, glob, gzip, json, math, os, subprocess, sys, tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "smd")
BINARY = os.path.join(ROOT, ".build", "release", "clipstream")
PERCENTS = (100, 150)
WIDTH = 38


def interpretation(machine):
    """{test row: set of metric indices (0-based)} from the dataset's 1-based `start-end:d,...`."""
    involved = {}
    for line in open(os.path.join(DATA, machine + ".interpretation.txt")):
        span, dims = line.strip().split(":")
        start, end = (int(v) for v in span.split("-"))
        metrics = {int(d) - 1 for d in dims.split(",")}
        for t in range(start, end):
            involved[t] = metrics
    return involved


def cut(p, involved):
    return max(1, round(p * len(involved) / 100))


def hit_rate(order, involved, p):
    return len(set(order[:cut(p, involved)]) & involved) / len(involved)


def ndcg(order, involved, p):
    k = cut(p, involved)
    gain = sum(1 / math.log2(i + 2) for i, m in enumerate(order[:k]) if m in involved)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(involved))))
    return gain / ideal


def measures(order, involved):
    return [hit_rate(order, involved, p) for p in PERCENTS] + [ndcg(order, involved, p) for p in PERCENTS]


def main():
    options = sys.argv[1:]
    report_path = None
    if options[:1] == ["--json"]:
        report_path, options = options[1], options[2:]
    sys.path.insert(0, os.path.join(ROOT, "Scripts"))
    import importlib.util
    spec = importlib.util.spec_from_file_location("rdc", os.path.join(ROOT, "Scripts", "real-data-check.py"))
    rdc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rdc)
    machines = sorted(os.path.basename(p).split(".")[0] for p in glob.glob(os.path.join(DATA, "machine-*.train.csv.gz")))
    involved = {m: interpretation(m) for m in machines}
    train = {m: np.loadtxt(gzip.open(os.path.join(DATA, m + ".train.csv.gz"), "rt"), delimiter=",", skiprows=1)[:, 1:]
             for m in machines}
    test = {m: np.loadtxt(gzip.open(os.path.join(DATA, m + ".test.csv.gz"), "rt"), delimiter=",", skiprows=1)[:, 2:]
            for m in machines}
    rows = {"all": [], "alerted": []}
    references = {"train z-score": [], "random": []}
    per_machine = {m: [] for m in machines}
    with tempfile.TemporaryDirectory() as tmp:
        source, scored = os.path.join(tmp, "in.csv"), os.path.join(tmp, "out.csv")
        rdc.write_smd(source)
        subprocess.run([BINARY, "score", source, "--label-column", "label", "--time-column", "phase",
                        "--explain", str(WIDTH), "-o", scored] + options, check=True)
        test_row = {m: 0 for m in machines}
        with open(scored, newline="") as f:
            for r in csv.DictReader(f):
                if r["time"] != "test":
                    continue
                m = r["key"]
                t = test_row[m]
                test_row[m] += 1
                if r["label"] != "1" or t not in involved[m]:
                    continue
                metrics = involved[m][t]
                order = [int(e.split(":")[0][1:]) for e in r["top"].split(";")] if r["top"] else []
                values = measures(order, metrics)
                rows["all"].append(values)
                per_machine[m].append(values)
                if r["alert"] == "1":
                    rows["alerted"].append(values)
                mean, std = train[m].mean(axis=0), train[m].std(axis=0)
                deviation = np.abs(test[m][t] - mean) / np.where(std > 0, std, np.inf)
                references["train z-score"].append(measures(list(np.argsort(-deviation, kind="stable")), metrics))
                # A random order's expected hit rate is the cut over the width; NDCG by the same
                # expectation per rank.
                references["random"].append([min(cut(p, metrics), WIDTH) / WIDTH for p in PERCENTS] +
                                            [sum(len(metrics) / WIDTH / math.log2(i + 2) for i in range(cut(p, metrics))) /
                                             sum(1 / math.log2(i + 2) for i in range(min(cut(p, metrics), len(metrics))))
                                             for p in PERCENTS])
    names = [f"HitRate@{p}%" for p in PERCENTS] + [f"NDCG@{p}%" for p in PERCENTS]
    table = {}
    for label, values in list(rows.items()) + list(references.items()) + [(m, v) for m, v in per_machine.items()]:
        if values:
            table[label] = {"rows": len(values), **{n: float(np.mean([v[i] for v in values])) for i, n in enumerate(names)}}
    print(f"{'rows':24s} {'count':>6s} " + " ".join(f"{n:>13s}" for n in names))
    for label, t in table.items():
        print(f"{label:24s} {t['rows']:6d} " + " ".join(f"{t[n]:13.3f}" for n in names))
    if report_path:
        json.dump({"options": options, "measures": table}, open(report_path, "w"), indent=1)


if __name__ == "__main__":
    main()
