#!/usr/bin/env python3
"""Detection quality of `clipstream score` on ../shared/data (SMD group 1, NAB), under the
quality issue's protocol.

Per key, the train split (SMD) or first 15% (NAB) is streamed first, then the test rows, every
row scored before it is learned; metrics on test rows only. The input holds every key's train
rows first, then every key's test rows (keys never share state, so each key still sees its own
rows in time order), which makes the test rows a suffix: `clipstream evaluate --from-row N`
computes the metrics (ROC-AUC with ties averaged, PR-AUC, best F1, alerts; per key, mean over
keys with both classes, and pooled).

    Scripts/real-data-check.py smd [clipstream score options...]
    Scripts/real-data-check.py nab [clipstream score options...]
    Scripts/real-data-check.py smd --json FILE [score options...]   # the evaluate report, per key
    Scripts/real-data-check.py smd:16:1 [score options...]  # 16 of SMD's 38 metrics, drawn with seed 1
    Scripts/real-data-check.py smd-metrics [score options...]  # SMD's metrics one per key, 5-minute means
    Scripts/real-data-check.py smd-metrics:1 [score options...]  # the same at SMD's own 1-minute rows
    Scripts/real-data-check.py smd --train-rows 4000 [score options...]  # each key's last 4,000 train rows

The `smd:D:SEED` form keeps D metrics (the same for every machine, in their original order): a
stand-in for server telemetry of another width, to check that a default does not rely on 38.

The `smd-metrics[:F]` form is a stand-in for long univariate server series (NAB's held-out
categories are univariate, 4,000-22,000 rows, many of them 5-minute server metrics): every
metric of every machine that SMD's interpretation labels name in at least one anomaly segment,
and that is not constant in the train split, becomes its own key (214 series); a row is
positive inside a segment that names that metric. Rows are means of F consecutive rows
(default 5: a day is 288 rows, inside the seasonal search's 1,024), a mean row is positive
when any of its rows is.

`--train-rows N` (after `--json FILE`, if both) keeps only the last N rows of each key's train
split: a stand-in for telemetry with a shorter history before its labelled part.

Needs a release build (.build/release/clipstream, or the binary $CLIPSTREAM_BINARY names, to
compare builds); Python 3 standard library only.
"""
import csv, glob, gzip, json, os, random, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")
BINARY = os.environ.get("CLIPSTREAM_BINARY") or os.path.join(ROOT, ".build", "release", "clipstream")


def write_smd(path, width=38, seed=None):
    kept = sorted(random.Random(seed).sample(range(38), width)) if seed is not None else list(range(38))
    machines = sorted({os.path.basename(p).split(".")[0]
                       for p in glob.glob(os.path.join(DATA, "smd", "machine-*.train.csv.gz"))})
    rows = {}
    for m in machines:
        train = list(csv.reader(gzip.open(os.path.join(DATA, "smd", m + ".train.csv.gz"), "rt")))[1:]
        test = list(csv.reader(gzip.open(os.path.join(DATA, "smd", m + ".test.csv.gz"), "rt")))[1:]
        rows[m] = [("train", "0", [r[1 + i] for i in kept]) for r in train] + \
                  [("test", r[1], [r[2 + i] for i in kept]) for r in test]
    with open(path, "w") as out:
        out.write("key,phase,label," + ",".join(f"m{i}" for i in kept) + "\n")
        return write_phases(out, {m: [(p, label, ",".join(v)) for p, label, v in rows[m]] for m in machines})


def write_smd_metrics(path, factor=5):
    series = {}
    for train_path in sorted(glob.glob(os.path.join(DATA, "smd", "machine-*.train.csv.gz"))):
        machine = os.path.basename(train_path).split(".")[0]
        train = list(csv.reader(gzip.open(train_path, "rt")))[1:]
        test = list(csv.reader(gzip.open(os.path.join(DATA, "smd", machine + ".test.csv.gz"), "rt")))[1:]
        segments = []
        for line in open(os.path.join(DATA, "smd", machine + ".interpretation.txt")):
            span, dimensions = line.strip().split(":")
            start, end = map(int, span.split("-"))
            segments.append((start, end, {int(d) - 1 for d in dimensions.split(",")}))  # 1-based
        for j in range(38):
            involved = [(start, end) for start, end, metrics in segments if j in metrics]
            train_values = [float(r[1 + j]) for r in train]
            if not involved or max(train_values) == min(train_values):
                continue
            labels = [0] * len(test)
            for start, end in involved:
                labels[start:end] = [1] * len(labels[start:end])

            def means(values, flags):
                return [(sum(values[i:i + factor]) / factor, max(flags[i:i + factor]))
                        for i in range(0, len(values) - factor + 1, factor)]

            series[f"{machine}/m{j}"] = \
                [("train", 0, f"{v:.6g}") for v, _ in means(train_values, [0] * len(train))] + \
                [("test", flag, f"{v:.6g}") for v, flag in means([float(r[2 + j]) for r in test], labels)]
    with open(path, "w") as out:
        out.write("key,phase,label,value\n")
        return write_phases(out, series)


def write_nab(path):
    windows = json.load(open(os.path.join(DATA, "nab", "labels", "combined_windows.json")))
    series = {}
    for p in sorted(glob.glob(os.path.join(DATA, "nab", "data", "*", "*.csv.gz"))):
        key = p.split(os.sep)[-2] + "/" + os.path.basename(p)[:-3]
        spans = [(a[:19], b[:19]) for a, b in windows[key]]
        rows = list(csv.reader(gzip.open(p, "rt")))[1:]
        prefix = int(0.15 * len(rows))
        series[f'"{key}"'] = [("train" if i < prefix else "test", int(any(a <= stamp <= b for a, b in spans)), value)
                              for i, (stamp, value) in enumerate(rows)]
    with open(path, "w") as out:
        out.write("key,phase,label,value\n")
        return write_phases(out, series)


TRAIN_ROWS = None  # --train-rows: keep only each key's last N train rows


def write_phases(out, rows):
    """Writes every key's train rows, then every key's test rows, each phase interleaved by
    tick; returns the row number (1-based, header excluded) of the first test row."""
    written = 0
    first_test = None
    for phase in ("train", "test"):
        if phase == "test":
            first_test = written + 1
        split = {k: [r for r in v if r[0] == phase] for k, v in rows.items()}
        if phase == "train" and TRAIN_ROWS is not None:
            split = {k: v[len(v) - min(len(v), TRAIN_ROWS):] for k, v in split.items()}
        for t in range(max(len(v) for v in split.values())):
            for key, values in split.items():
                if t < len(values):
                    _, label, fields = values[t]
                    out.write(f"{key},{phase},{label},{fields}\n")
                    written += 1
    return first_test


def main():
    if len(sys.argv) < 2 or not (sys.argv[1] in ("smd", "nab", "smd-metrics") or sys.argv[1].startswith("smd:")
                                 or sys.argv[1].startswith("smd-metrics:")):
        sys.exit(__doc__)
    dataset, options = sys.argv[1], sys.argv[2:]
    report_path = None
    if options[:1] == ["--json"]:
        report_path, options = options[1], options[2:]
    if options[:1] == ["--train-rows"]:
        global TRAIN_ROWS
        if len(options) < 2 or not options[1].isdigit():
            sys.exit("real-data-check: --train-rows needs a row count")
        TRAIN_ROWS, options = int(options[1]), options[2:]
    with tempfile.TemporaryDirectory() as tmp:
        source, scored = os.path.join(tmp, "in.csv"), os.path.join(tmp, "out.csv")
        if dataset.startswith("smd:"):
            parts = dataset.split(":")
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit() or not 1 <= int(parts[1]) <= 38:
                sys.exit(f"real-data-check: '{dataset}' is not smd:WIDTH:SEED with WIDTH in 1...38")
            first_test = write_smd(source, int(parts[1]), int(parts[2]))
        elif dataset.startswith("smd-metrics"):
            factor = dataset.split(":")[1] if ":" in dataset else "5"
            if not factor.isdigit() or not 1 <= int(factor) <= 60:
                sys.exit(f"real-data-check: '{dataset}' is not smd-metrics:F with F in 1...60")
            first_test = write_smd_metrics(source, int(factor))
        else:
            first_test = (write_smd if dataset == "smd" else write_nab)(source)
        subprocess.run([BINARY, "score", source, "--label-column", "label", "--time-column", "phase",
                        "-o", scored] + options, check=True)
        report = json.loads(subprocess.run(
            [BINARY, "evaluate", scored, "--from-row", str(first_test), "--json", "--per-key"],
            check=True, capture_output=True, text=True).stdout)
    report["options"] = options
    report["train_rows"] = TRAIN_ROWS
    if report_path:
        with open(report_path, "w") as out:
            json.dump(report, out, indent=1)
    pooled, mean = report["pooled"], report["key_mean"]
    shorter = f" --train-rows {TRAIN_ROWS}" if TRAIN_ROWS is not None else ""
    print(f"{dataset}{shorter} {' '.join(options)}: mean ROC-AUC {mean['roc_auc']['mean']:.3f} / PR-AUC "
          f"{mean['pr_auc']['mean']:.3f} over {mean['roc_auc']['keys']} keys, pooled {pooled['roc_auc']:.3f} / "
          f"{pooled['pr_auc']:.3f}; alerts {pooled['alerts']}, precision {pooled['precision']:.3f}, "
          f"recall {pooled['recall']:.3f}, false alarms {pooled['false_alarm_rate']:.4f}")


if __name__ == "__main__":
    main()
