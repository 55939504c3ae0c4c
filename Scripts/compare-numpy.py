#!/usr/bin/env python3
"""ClipStream's per-row location model written as well as plain numpy allows: the throughput peer.

Algorithm (Sources/ClipStreamCore/RowStep.swift rawStep, default Configuration), per key and row:
  z = (x - theta) / scale, pull = ||z|| (float32 sums), instant = pull / sqrt(d);
  threshold T = max(q_hi (q_hi / q_lo)^k, 1.5) from two multiplicative quantile trackers
  (ScoreThreshold.swift); sustained s = 0.95 s + 0.05 min(instant, T); score = max(instant, s);
  alert = instant > T once past the 100-row warm-up (withheld before);
  theta += eta * min(1, lambda / pull) * scale * z with lambda = 2 m, eta from the epoch schedule
  (LearningRateSchedule.swift, H = 4096, alpha = 1); scale *= 1 + eta * (min(|z|, 1000) - 1),
  capped at 1e30, floored at max(1e-6, 1e-3 |theta|) (LocationKernels.fusedUpdate);
  m *= 1 +- max(0.003, 1/n), floored at 1e-3; the trackers learn the instant score from row
  warmup/4 on, except rows inside a run of alerts and rows with pull 0.
  Row 1 sets theta = x and scale to its floor; row 2 moves theta to the midpoint, scale to
  |x2 - x1| / sqrt 2 and m to sqrt(pi/4 ||z||^2), as the engine does (both score 1, withheld).
Left out (never hit by the benchmark's stationary input): re-anchoring after 100 rows above the
threshold and its quiet window and scale widening; the 'deflated' low-run guard; the 'absurd row'
influence bound on the scale step; the Double fallback on float32 overflow; lags; attribution
(--explain); the score calibration histogram (ScoreCalibration.swift): compare against
`clipstream bench --raw-scores`.
Written the numpy way: every key takes one step per tick (one row per key, round-robin) with
in-place ufuncs on preallocated (K, d) float32 arrays; one Python iteration per tick, no loop
over keys or dimensions. Two algebraic shortcuts save passes: the location step uses the
residual x - theta (= scale * z) and the scale factor is (1 - eta) + eta * min(|z|, 1000); both
differ from the engine by float32 rounding only. Per-key scalars (m, trackers, sustained score,
run length) are float64 (K,) vectors, as the engine keeps Doubles.
Timing: a pre-generated buffer of whole ticks (--buffer-mb) is cycled; every key is first warmed
past start-up (max(2 K, min(64 K, 200,000)) rows, as `clipstream bench`), then the median of
--windows windows of --rows rows (rounded up to whole ticks) is reported. Single-threaded
(elementwise ufuncs do not use BLAS or threads).

    python3 Scripts/compare-numpy.py --dim 1024 --keys 10000 --rows 200000 --windows 5 --json
"""
import argparse
import json
import math
import platform
import time

import numpy as np

F32 = np.float32
HORIZON, ALPHA, INITIAL_EPOCH = 4096, 1.0, 1
CLIP_MULTIPLIER, CLIP_LEVEL_RATE, MIN_CLIP_LEVEL = 2.0, 0.003, 1e-3
SCALE_CLIP, ABS_FLOOR, REL_FLOOR, MAX_SCALE = 1000.0, 1e-6, 1e-3, 1e30
SMOOTHING, ALERT_RATE, UPPER_LEVEL, THRESHOLD_RATE, WARMUP = 0.05, 0.001, 0.98, 0.01, 100
STARTUP_GAIN, MIN_THRESHOLD, MAX_RATIO, TRACKER_RANGE = 0.2, 1.5, 1e3, (1e-6, 1e12)


def rate(n):
    """Learning rate of row n (1-based): max(1/n, min(T0 2^k, H)^-alpha), epoch k of row n."""
    k = ((n - 1) // INITIAL_EPOCH + 1).bit_length() - 1
    return max(1.0 / n, min(INITIAL_EPOCH * 2.0**k, HORIZON) ** -ALPHA)


class Model:
    """K independent location estimators of dimension d, stepped one tick (K rows) at a time."""

    def __init__(self, keys, dim):
        self.theta = np.zeros((keys, dim), F32)
        self.scale = np.ones((keys, dim), F32)
        self.z = np.empty((keys, dim), F32)
        self.work = np.empty((keys, dim), F32)
        self.squared = np.empty(keys, F32)
        self.m = np.ones(keys)
        self.lower = np.full(keys, 1.2)
        self.upper = np.full(keys, 1.5)
        self.sustained = np.ones(keys)
        self.run = np.zeros(keys, np.int64)
        self.n = 0
        self.lower_level = max(0.5, 1 - 5 * (1 - UPPER_LEVEL))
        self.exponent = math.log((1 - UPPER_LEVEL) / ALERT_RATE) / math.log(
            (1 - self.lower_level) / (1 - UPPER_LEVEL))
        self.rms = 1 / math.sqrt(dim)

    def threshold(self):
        ratio = np.clip(self.upper / self.lower, 1, MAX_RATIO)
        return np.maximum(self.upper * ratio**self.exponent, MIN_THRESHOLD)

    def step(self, x):
        """Scores, decides and learns one row per key; returns (score, threshold, alert)."""
        self.n += 1
        n = self.n
        if n <= 2:
            (self._start if n == 1 else self._calibrate)(x)
            keys = len(self.m)
            return np.ones(keys), self.threshold(), np.zeros(keys, bool)
        theta, scale, z, work = self.theta, self.scale, self.z, self.work
        np.subtract(x, theta, out=work)                      # r = x - theta
        np.divide(work, scale, out=z)                        # z = r / scale
        np.einsum("ij,ij->i", z, z, out=self.squared)        # ||z||^2, float32 like the engine
        pull = np.sqrt(self.squared.astype(np.float64))
        instant = pull * self.rms
        limit = self.threshold()
        self.sustained = (1 - SMOOTHING) * self.sustained + SMOOTHING * np.minimum(instant, limit)
        score = np.maximum(instant, self.sustained)
        above = instant > limit
        in_run = above & (self.run > 0)
        if n > WARMUP:
            self.run = np.where(above, self.run + 1, 0)
        alert = above if n > WARMUP else np.zeros_like(above)

        # Clipped location step: theta += eta * min(1, lambda / pull) * r.
        lam = CLIP_MULTIPLIER * self.m
        step = (rate(n) * lam / np.maximum(pull, lam)).astype(F32)
        np.multiply(work, step[:, None], out=work)
        np.add(theta, work, out=theta)
        # Scale step: scale *= (1 - eta) + eta * min(|z|, clip); then cap and floors.
        eta = F32(rate(n))
        np.abs(z, out=z)
        np.minimum(z, F32(SCALE_CLIP), out=z)
        np.multiply(z, eta, out=z)
        np.add(z, F32(1) - eta, out=z)
        np.multiply(scale, z, out=scale)
        np.abs(theta, out=work)
        np.multiply(work, F32(REL_FLOOR), out=work)
        np.clip(scale, F32(ABS_FLOOR), F32(MAX_SCALE), out=scale)
        np.maximum(scale, work, out=scale)

        # Median of the pull by multiplicative sign steps.
        eta_m = max(CLIP_LEVEL_RATE, 1.0 / n)
        self.m = np.maximum(MIN_CLIP_LEVEL, self.m * np.where(pull > self.m, 1 + eta_m, 1 - eta_m))
        start = WARMUP // 4
        if n > start:
            learn = ~in_run & (pull > 0)
            for tracker, level in ((self.lower, self.lower_level), (self.upper, UPPER_LEVEL)):
                g = max(THRESHOLD_RATE, min(0.5, STARTUP_GAIN / (1 - level) / (n - start)))
                moved = tracker * np.where(instant > tracker, 1 + g * level, 1 - g * (1 - level))
                np.copyto(tracker, np.clip(moved, *TRACKER_RANGE), where=learn)
        return score, limit, alert

    def _floor(self, theta):
        return np.maximum(F32(ABS_FLOOR), F32(REL_FLOOR) * np.abs(theta))

    def _start(self, x):
        self.theta[...] = x
        self.scale[...] = self._floor(self.theta)

    def _calibrate(self, x):
        delta = x.astype(np.float64) - self.theta
        midpoint = (self.theta + delta / 2).astype(F32)
        spread = np.minimum(np.abs(delta) / math.sqrt(2), MAX_SCALE).astype(F32)
        scale = np.maximum(spread, self._floor(midpoint))
        level = np.sqrt(((delta / scale) ** 2).sum(axis=1) * math.pi / 4)
        self.m = np.where(level > 0, np.maximum(level, MIN_CLIP_LEVEL), 1.0)
        self.theta[...] = midpoint
        self.scale[...] = scale


def make_buffer(keys, dim, buffer_mb, distribution, seed):
    """Whole ticks of float32 rows, shape (ticks, keys, dim): at most buffer_mb MB, at least one tick."""
    ticks = max(1, (buffer_mb << 20) // (keys * dim * 4))
    rng = np.random.default_rng(seed)
    if distribution == "gaussian":
        return rng.standard_normal((ticks, keys, dim), dtype=F32)
    buffer = rng.random((ticks, keys, dim), dtype=F32)
    buffer *= 2
    buffer -= 1                                              # uniform in [-1, 1), as the bench
    return buffer


def blas_info():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:                                        # older numpy: no dict mode
        return None


def run(args):
    buffer = make_buffer(args.keys, args.dim, args.buffer_mb, args.distribution, args.seed)
    model = Model(args.keys, args.dim)
    cursor = 0

    def ticks(count):
        nonlocal cursor
        for _ in range(count):
            model.step(buffer[cursor % len(buffer)])
            cursor += 1

    warm_rows = max(2 * args.keys, min(64 * args.keys, 200_000))        # as `clipstream bench`
    ticks(max(3, -(-warm_rows // args.keys)))
    window_ticks = -(-args.rows // args.keys)
    rows = window_ticks * args.keys
    rates = []
    for _ in range(args.windows):
        start = time.perf_counter()
        ticks(window_ticks)
        rates.append(rows / (time.perf_counter() - start))
    rates.sort()
    median = rates[len(rates) // 2]
    return {
        "implementation": "numpy", "dimension": args.dim, "keys": args.keys, "threads": 1,
        "rows_per_second": median, "elements_per_second": median * args.dim,
        "min_rows_per_second": rates[0], "max_rows_per_second": rates[-1],
        "windows": args.windows, "rows_per_window": rows, "ticks_per_window": window_ticks,
        "buffer_ticks": len(buffer), "distribution": args.distribution,
        "numpy": np.__version__, "blas": blas_info(), "python": platform.python_version(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dim", type=int, default=1024, help="features per row (d)")
    parser.add_argument("--keys", type=int, default=1000, help="number of keys (K)")
    parser.add_argument("--rows", type=int, default=200_000, help="rows per window (rounded up to whole ticks)")
    parser.add_argument("--windows", type=int, default=5, help="measurement windows (median reported)")
    parser.add_argument("--buffer-mb", type=int, default=256, help="size of the input buffer in MB")
    parser.add_argument("--distribution", choices=("uniform", "gaussian"), default="uniform",
                        help="input rows: uniform in [-1, 1) (as clipstream bench) or standard normal")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if min(args.dim, args.keys, args.rows, args.windows, args.buffer_mb) < 1:
        parser.error("--dim, --keys, --rows, --windows and --buffer-mb must be positive")
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"numpy {result['numpy']}: d={args.dim} keys={args.keys} rows/s "
              f"{result['rows_per_second'] / 1e6:.4f} M (min {result['min_rows_per_second'] / 1e6:.4f}, "
              f"max {result['max_rows_per_second'] / 1e6:.4f} over {args.windows} windows of "
              f"{result['rows_per_window']} rows), elements/s {result['elements_per_second'] / 1e6:.1f} M")


if __name__ == "__main__":
    main()
