#!/usr/bin/env python3
"""Sweeps the repeat muting's parameters (AlertHabit: memory, repeats, dominant share) on
SMD group 1, offline, and prints the table in Docs/quality.md ("Muted repeats").

Scores SMD once with `--mute-repeats off --explain 1` (each row's top column and its share of
||z||^2), then replays each key's alerts through the habit rule: an alert whose top column holds
at least `share` of ||z||^2 and whose decayed count (weight exp(-age / memory)) of earlier such
alerts is at least `repeats` is muted; every such alert, muted or not, adds 1 to its column.
Muting changes no score, so the replay is exact: at the defaults (2,000 / 3 / 0.6) it gives what
`clipstream score` with `--mute-repeats auto` gives.

    Scripts/sweep-mute-repeats.py                   # the grid (needs .build/release/clipstream, ../shared/data)
    Scripts/sweep-mute-repeats.py --leave-one-out   # the choice leaving one machine out
    Scripts/sweep-mute-repeats.py --slots           # columns a key remembers (8 in the engine)
"""
import collections, csv, importlib.util, math, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("check", os.path.join(ROOT, "Scripts", "real-data-check.py"))
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def scored_rows():
    with tempfile.TemporaryDirectory() as tmp:
        source, scored = os.path.join(tmp, "in.csv"), os.path.join(tmp, "out.csv")
        check.write_smd(source)
        subprocess.run([check.BINARY, "score", source, "--label-column", "label", "--time-column", "phase",
                        "--mute-repeats", "off", "--explain", "1", "-o", scored], check=True)
        keys = collections.defaultdict(list)
        for r in csv.DictReader(open(scored)):
            top = r["top"].split(";")[0]
            column, share = (top.split(":")[0], abs(float(top.split(":")[1]))) if top else (None, 0.0)
            keys[r["key"]].append((r["time"] == "test", r["label"] == "1", r["alert"] == "1", column, share))
        return keys


CEILING = 20  # AlertHabit.ceiling


def replay(keys, memory, repeats, share, slots=8):
    """False alarms per 1,000 label-0 test rows per key, alerts on anomalies, segments found.
    Each key remembers `slots` columns, as `AlertHabit` does: a new column takes the slot with
    the smallest count (the oldest of equals) and starts at 1, and a count stops at CEILING."""
    rates, hits, segments, found = [], 0, 0, 0
    for rows in keys.values():
        counts, last = {}, 0  # column -> decayed count, in slot order
        normal = false_alarms = 0
        in_segment = detected = False
        for i, (test, positive, alert, column, top_share) in enumerate(rows):
            if alert and column is not None and top_share >= share:
                decay = math.exp(-(i - last) / memory)
                counts, last = {c: n * decay for c, n in counts.items()}, i
                if column in counts:
                    alert = counts[column] < repeats
                    counts[column] = min(counts[column] + 1, CEILING)
                else:
                    if len(counts) >= slots:
                        del counts[min(counts, key=counts.get)]
                    counts[column] = 1
            if not test:
                continue
            if positive and not in_segment:
                segments, detected = segments + 1, False
            if positive and alert and not detected:
                found, detected = found + 1, True
            in_segment = positive
            normal += not positive
            false_alarms += alert and not positive
            hits += alert and positive
        rates.append(1000 * false_alarms / normal)
    return rates, hits, found, segments


def leave_one_out(keys):
    """Per held-out machine: on the other six, the setting with the most segments found among
    those that keep every machine at or under 2 false alarms per 1,000; its held-out figures."""
    grid = [(m, r, s) for m in (1000, 2000, 3000, 5000) for r in (2, 3, 4, 5) for s in (0.5, 0.6, 0.7, 0.8, 0.9)]
    per = {g: {n: replay({n: rows}, *g) for n, rows in keys.items()} for g in grid}
    print("| held out | chosen (memory, repeats, share) | false alarms / 1,000 | segments found |")
    print("|---|---|---|---|")
    for held in sorted(keys):
        others = [n for n in keys if n != held]

        def objective(g):
            over = sum(max(per[g][n][0][0] - 2, 0) for n in others)
            return (over <= 0.05, sum(per[g][n][2] for n in others) - 10 * over)

        best = max(grid, key=objective)
        rates, _, found, segments = per[best][held]
        print(f"| {held} | {best} | {rates[0]:.1f} | {found} of {segments} |")


def main():
    keys = scored_rows()
    if sys.argv[1:] == ["--leave-one-out"]:
        return leave_one_out(keys)
    if sys.argv[1:] == ["--slots"]:
        for slots in (1, 2, 3, 4, 8, 64):
            rates, hits, found, segments = replay(keys, 2000, 3, 0.6, slots)
            print(f"{slots} slots: {' '.join(f'{r:.1f}' for r in rates)}; alerts on anomalies {hits}; segments {found} of {segments}")
        return
    print("| memory (rows) | repeats | share | false alarms / 1,000 per machine (1-2 ... 1-8) | in [0.5, 2] | alerts on anomalies | segments found |")
    print("|---|---|---|---|---|---|---|")
    settings = [(None, None, None)] + [(m, r, s) for m in (2000, 3000) for r in (2, 3, 4) for s in (0.5, 0.6, 0.7, 0.8)]
    for memory, repeats, share in settings:
        rates, hits, found, segments = replay(keys, memory or 1, repeats or math.inf, share or 2)
        label = ("off", "-", "-") if memory is None else (f"{memory:,}", repeats, share)
        inside = sum(0.5 <= r <= 2 for r in rates)
        print(f"| {label[0]} | {label[1]} | {label[2]} | {' '.join(f'{r:.1f}' for r in rates)} | {inside} of {len(rates)} | {hits} | {found} of {segments} |")


if __name__ == "__main__":
    main()
