#!/usr/bin/env python3
"""False alarms of `clipstream score` (defaults, or the options given) on series with no
anomaly at all, shaped like NAB's `artificialNoAnomaly` category (not in ../shared/data): a
flat line, a square wave, a daily step pattern with and without noise, white noise and a daily
sine, 4,032 rows each (two weeks at 5-minute rows, a day 288 rows), scored together as six
keys. Every row is label 0, so the protocol's figure is the alerts on the rows after each
series' first 15% (its train prefix), per 1,000; the quality issue's bar on NAB is 3 at the
default `--alert-rate 0.001`.

    Scripts/no-anomaly-check.py [clipstream score options...]

Needs a release build (.build/release/clipstream, or the binary $CLIPSTREAM_BINARY names);
Python 3 standard library only.
"""
import csv, io, math, os, random, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("CLIPSTREAM_BINARY") or os.path.join(ROOT, ".build", "release", "clipstream")
ROWS, DAY = 4032, 288
PREFIX = int(0.15 * ROWS)


def series():
    noise = random.Random(0)

    def daily(t):  # low at night, high in the day, as NAB's art_daily_* series
        phase = (t % DAY) / DAY
        return 80.0 if 0.3 < phase < 0.7 else 20.0

    return {
        "flatline": lambda t: 42.0,
        "square_wave": lambda t: 0.0 if (t // (DAY // 2)) % 2 == 0 else 80.0,
        "daily_no_noise": daily,
        "daily_small_noise": lambda t: daily(t) + noise.gauss(0, 2),
        "noisy": lambda t: noise.gauss(50, 10),
        "sine_small_noise": lambda t: 50 + 30 * math.sin(2 * math.pi * t / DAY) + noise.gauss(0, 1),
    }


def main():
    shapes = series()
    text = io.StringIO()
    text.write("key,value\n")
    for t in range(ROWS):
        for name, value in shapes.items():
            text.write(f"{name},{value(t):.4f}\n")
    run = subprocess.run(
        [BINARY, "score", "-"] + sys.argv[1:], input=text.getvalue().encode(), capture_output=True, check=True)
    seen, alerts = {}, {}
    for row in csv.DictReader(io.StringIO(run.stdout.decode())):
        key = row["key"]
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > PREFIX and row["alert"] == "1":
            alerts.setdefault(key, []).append(seen[key])
    worst = 0.0
    for key in shapes:
        rate = 1000 * len(alerts.get(key, [])) / (seen[key] - PREFIX)
        worst = max(worst, rate)
        rows = ", ".join(map(str, alerts.get(key, [])[:8]))
        print(f"{key:18} {len(alerts.get(key, [])):4d} alerts, {rate:5.2f} per 1,000 test rows" + (f" (rows {rows})" if rows else ""))
    print(f"worst: {worst:.2f} per 1,000")


if __name__ == "__main__":
    main()
