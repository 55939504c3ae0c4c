#!/usr/bin/env python3
"""SMD group 1 under the quality protocol with a share of its feature values removed at random
(the same cells for every share, seed 1), scored with `clipstream score --missing impute`: how
detection degrades as values go missing. Needs a release build; Python 3 standard library
only (about 40 s).

    python3 Scripts/missing-values-check.py [SHARE ...]     # default: 0 0.01 0.05 0.2
"""
import importlib.util, json, os, random, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "clipstream")
spec = importlib.util.spec_from_file_location("rdc", os.path.join(ROOT, "Scripts", "real-data-check.py"))
real_data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(real_data)


def punch_holes(source, target, share):
    """Copies `source` (key,phase,label,features...) with each feature value emptied with
    probability `share`."""
    draw = random.Random(1)
    with open(source) as f, open(target, "w") as g:
        g.write(f.readline())
        for line in f:
            fields = line.rstrip("\n").split(",")
            for i in range(3, len(fields)):
                if draw.random() < share:
                    fields[i] = ""
            g.write(",".join(fields) + "\n")


def main():
    shares = [float(a) for a in sys.argv[1:]] or [0, 0.01, 0.05, 0.2]
    work = tempfile.mkdtemp()
    try:
        source, holes, scored = (os.path.join(work, n) for n in ("in.csv", "holes.csv", "out.csv"))
        first_test = real_data.write_smd(source)
        for share in shares:
            punch_holes(source, holes, share)
            run = subprocess.run([BINARY, "score", holes, "--label-column", "label", "--time-column", "phase",
                                  "--missing", "impute", "-o", scored], capture_output=True, text=True, check=True)
            report = json.loads(subprocess.run([BINARY, "evaluate", scored, "--from-row", str(first_test), "--json"],
                                               capture_output=True, text=True, check=True).stdout)
            mean, pooled = report["key_mean"], report["pooled"]
            print(f"{share:.0%} missing: mean ROC-AUC {mean['roc_auc']['mean']:.3f} / PR-AUC {mean['pr_auc']['mean']:.3f}, "
                  f"pooled {pooled['roc_auc']:.3f} / {pooled['pr_auc']:.3f}, false alarms {pooled['false_alarm_rate']:.4f}"
                  + (f"; {run.stderr.strip()}" if run.stderr.strip() else ""), flush=True)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
