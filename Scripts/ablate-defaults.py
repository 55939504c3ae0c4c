#!/usr/bin/env python3
"""What each default is worth: turns one design choice off at a time and measures SMD group 1,
NAB and the demo's hard case under the quality protocol (Scripts/real-data-check.py).

    Scripts/ablate-defaults.py                 # the table of Docs/quality.md, markdown on stdout
    Scripts/ablate-defaults.py --only "--whiten off"   # one variation (and the defaults)

Needs a release build (.build/release/clipstream); Python 3 standard library only. About
10 s per variation for SMD, 5 s for NAB, 3 s for the demo's three seeds on a 2-core box.
"""
import json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "clipstream")
CHECK = os.path.join(ROOT, "Scripts", "real-data-check.py")

# Each entry switches off (or back to the specification's reading) one choice of the defaults.
VARIATIONS = [
    ("defaults", []),
    ("repeats not muted", ["--mute-repeats", "off"]),
    ("no correlation-aware ranking", ["--whiten", "off"]),
    ("no seasonal reference", ["--season", "off"]),
    ("no lags", ["--lags", "0"]),
    ("no redescending influence", ["--redescend", "0"]),
    ("raw scores (no calibration)", ["--raw-scores"]),
    ("instant score only (no sustained score)", ["--score-smoothing", "1"]),
    ("every row of a run alerts", ["--run-alerts", "0"]),
    ("never re-anchor", ["--restart-after", "0"]),
    ("the specification's rate (alpha 2/3)", ["--alpha", "0.6667"]),
    ("scale clip 3 (median-like scales)", ["--scale-clip", "3"]),
]
PLAIN = ("all of the above", [a for _, v in VARIATIONS[1:] for a in v])
SMD_BAND = (0.0005, 0.002)
NAB_CEILING = 0.003


def evaluate(dataset, options):
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([sys.executable, CHECK, dataset, "--json", report.name] + options,
                       check=True, stdout=subprocess.DEVNULL)
        return json.load(open(report.name))


def demo(options, seeds=(1, 2, 3)):
    results = []
    for seed in seeds:
        text = subprocess.run([BINARY, "demo", "--seed", str(seed)] + options, check=True,
                              capture_output=True, text=True).stdout
        roc = float(re.search(r"ROC-AUC\s+([0-9.]+)", text).group(1))
        pr = float(re.search(r"PR-AUC\s+([0-9.]+)", text).group(1))
        false_alarms = float(re.search(r"false-alarm rate ([0-9.]+)", text).group(1))
        results.append((roc, pr, false_alarms))
    return results


def row(name, options):
    smd, nab, hard = evaluate("smd", options), evaluate("nab", options), demo(options)
    in_band = sum(SMD_BAND[0] <= k["false_alarm_rate"] <= SMD_BAND[1] for k in smd["per_key"])
    nab_over = sum(k["false_alarm_rate"] > NAB_CEILING for k in nab["per_key"])
    flags = " ".join(options) if options and name != PLAIN[0] else ""
    label = f"{name} (`{flags}`)" if flags else name
    cells = [
        f'{smd["key_mean"]["roc_auc"]["mean"]:.3f} / {smd["key_mean"]["pr_auc"]["mean"]:.3f} / '
        f'{smd["pooled"]["roc_auc"]:.3f} / {smd["pooled"]["pr_auc"]:.3f}',
        f'{in_band} of {len(smd["per_key"])}, {smd["pooled"]["detected_segments"]} of {smd["pooled"]["segments"]}',
        f'{nab["key_mean"]["roc_auc"]["mean"]:.3f} / {nab["key_mean"]["pr_auc"]["mean"]:.3f} / '
        f'{nab["pooled"]["roc_auc"]:.3f} / {nab["pooled"]["pr_auc"]:.3f}',
        f'{nab_over}, {nab["pooled"]["detected_segments"]} of {nab["pooled"]["segments"]}',
        f"{hard[0][0]:.3f} / " + ", ".join(f"{pr:.3f}" for _, pr, _ in hard),
        ", ".join(f"{fa:.5f}" for _, _, fa in hard),
    ]
    return f"| {label} | " + " | ".join(cells) + " |"


def main():
    chosen = VARIATIONS + [PLAIN]
    if len(sys.argv) == 3 and sys.argv[1] == "--only":
        chosen = [VARIATIONS[0], ("variation", sys.argv[2].split())]
    elif len(sys.argv) != 1:
        sys.exit(__doc__)
    print("| variation | SMD mean ROC / PR, pooled ROC / PR | SMD machines in the alert band, segments found "
          "| NAB mean ROC / PR, pooled ROC / PR | NAB series over 3p, segments found "
          "| demo ROC (seed 1) / PR (seeds 1, 2, 3) | demo false-alarm rate (seeds 1, 2, 3) |")
    print("|---|---|---|---|---|---|---|")
    for name, options in chosen:
        print(row(name, options), flush=True)


if __name__ == "__main__":
    main()
