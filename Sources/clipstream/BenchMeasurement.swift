import ClipStreamCore
import Foundation

/// One configuration's result in `clipstream bench`: medians over the measurement windows,
/// set against the bandwidth probe run between them.
struct BenchMeasurement: Encodable {
    var dimension: Int
    var keys: Int
    /// Engine workers (shards driven by `concurrentPerform`).
    var threads: Int
    var rowsPerSecond: Double
    var elementsPerSecond: Double
    /// Bytes the update must move per row: see ``BenchMeasurement/bytesPerRow(dimension:scalarBytes:)``.
    var bytesPerRow: Int
    /// `rowsPerSecond * bytesPerRow`, in GB/s (10^9 bytes).
    var effectiveGbps: Double
    /// Median triad bandwidth of the probe on the same worker count, GB/s.
    var probeGbps: Double
    var bandwidthFraction: Double
    /// This configuration's rows/s over the 1-worker configuration's (nil without one).
    var speedup: Double?
    var rowsPerSecondMin: Double
    var rowsPerSecondMax: Double
    var windows: Int
    var rowsPerWindow: Int
    var bytesPerKey: Int
    var stateBytes: Int
    var order: String
    /// Whether rows were copied into the batch (`--copy-rows`) rather than read in place.
    var copiedRows = false
    var kernel: String
    var calibratedScores: Bool
    var batchSize: Int
    var cores: Int
    var openblasConfig: String
    var openblasThreads: Int
    /// `OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS`, `OPENBLAS_CORETYPE` as set (absent: unset).
    var environment: [String: String]
    /// Peak resident memory of the process when this configuration finished (input buffer,
    /// probe arrays and every engine so far included).
    var peakResidentBytes: Int

    enum CodingKeys: String, CodingKey {
        case dimension, keys, threads, speedup, windows, order, kernel, cores, environment
        case rowsPerSecond = "rows_per_second", elementsPerSecond = "elements_per_second"
        case bytesPerRow = "bytes_per_row", effectiveGbps = "effective_gbps", probeGbps = "probe_gbps"
        case bandwidthFraction = "bandwidth_fraction", rowsPerSecondMin = "rows_per_second_min"
        case rowsPerSecondMax = "rows_per_second_max", rowsPerWindow = "rows_per_window"
        case bytesPerKey = "bytes_per_key", stateBytes = "state_bytes"
        case calibratedScores = "calibrated_scores", batchSize = "batch_size", copiedRows = "copied_rows"
        case openblasConfig = "openblas_config", openblasThreads = "openblas_threads"
        case peakResidentBytes = "peak_rss_bytes"
    }

    /// The bytes one row's update must move between memory and the core: the row `x` read,
    /// `theta` and `scale` read and written back (20 bytes per feature), and the key's scalar
    /// state read and written. The calibration histogram is not counted: a row touches a few
    /// of its cache lines, not all of it.
    static func bytesPerRow(dimension: Int, scalarBytes: Int) -> Int {
        20 * dimension + 2 * scalarBytes
    }

    /// The measurement as one line of JSON (sorted keys).
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The batch size(s): per worker when each configuration's is a multiple of its workers.
    private static func batchDescription(_ measurements: [BenchMeasurement]) -> String {
        let perWorker = Set(measurements.map { $0.batchSize / $0.threads })
        if perWorker.count == 1, measurements.allSatisfy({ $0.batchSize % $0.threads == 0 }) {
            return "\(perWorker.first!)/worker"
        }
        return Set(measurements.map(\.batchSize)).sorted().map(String.init).joined(separator: ",")
    }

    /// What `bytesPerRow` leaves out of a key that holds more than `theta`, `scale`, its
    /// scalars and the calibration histogram (a whitening block, a seasonal ring, a lag
    /// window): a row reads and writes part of it, so the bandwidth fraction is a lower bound.
    /// A review saw 2.0% at d = 64 with the whitening's 18 kB against 24.6% without it.
    static func uncountedNote(_ m: BenchMeasurement) -> String {
        let scalars = MemoryLayout<KeyState>.stride
        let modelDimension = (m.bytesPerRow - 2 * scalars) / 20
        let counted = 8 * modelDimension + scalars + 4 * ScoreCalibration.storageCount
        let other = m.bytesPerKey - counted
        return other > 0 ? "; not counted: \(other) B/key of blocks a row partly reads, so the fraction is a lower bound" : ""
    }

    /// Rows of the human table, one per measurement, under a header naming the common setup.
    static func table(_ measurements: [BenchMeasurement]) -> String {
        guard let first = measurements.first else { return "" }
        let environment = first.environment.isEmpty
            ? "unset" : first.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var lines = [
            String(
                format: "bench: d=%d keys=%d order=%@%@ kernel=%@ calibrated=%@ batch=%@ state=%.1f MB (%d B/key), %d rows/window, median of %d windows",
                first.dimension, first.keys, first.order, first.copiedRows ? " (rows copied)" : "", first.kernel, first.calibratedScores ? "yes" : "no",
                batchDescription(measurements), Double(first.stateBytes) / 1e6, first.bytesPerKey, first.rowsPerWindow, first.windows),
            "OpenBLAS: \(first.openblasConfig), \(first.openblasThreads) thread(s); env: \(environment); \(first.cores) cores",
            "bytes/row \(first.bytesPerRow) (20 d + 2 x key scalars\(Self.uncountedNote(first))); peak RSS \(measurements.last!.peakResidentBytes >> 20) MB",
            "",
            "threads   rows/s (min-max)            elements/s   effective   probe (triad)   fraction   speedup",
        ]
        for m in measurements {
            lines.append(
                String(
                    format: "%7d   %7.3f M (%.3f-%.3f)   %8.1f M   %6.2f GB/s   %6.2f GB/s   %7.1f%%   %@",
                    m.threads, m.rowsPerSecond / 1e6, m.rowsPerSecondMin / 1e6, m.rowsPerSecondMax / 1e6,
                    m.elementsPerSecond / 1e6, m.effectiveGbps, m.probeGbps, 100 * m.bandwidthFraction,
                    m.speedup.map { String(format: "%.2fx", $0) } ?? "-"))
        }
        return lines.joined(separator: "\n")
    }
}
