import ClipStreamIO
import Foundation

/// `clipstream bench --csv FILE`: throughput of the CSV reader alone (plain or .gz): every
/// record split, every field but the first parsed as a `Float`, as `score` does.
enum ReaderBenchmark {
    static func run(path: String) throws {
        try CommandErrors.exitOnFailure {
            let reader = try InputOpener.openCSV(path: path)
            let start = DispatchTime.now().uptimeNanoseconds
            var rows = 0
            var parsed = 0
            var checksum: Float = 0
            var bytes = 0
            while try reader.next(blocking: true) == .record {
                rows += 1
                if rows == 1 { continue }  // header
                for i in 0..<reader.fieldCount {
                    bytes += reader.withField(i) { $0.count } + 1
                    if case .value(let v) = reader.float(at: i) {
                        checksum += v
                        parsed += 1
                    }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            // As `score` refuses them: nothing to measure.
            if rows == 0 { throw InputError.emptyInput }
            if rows == 1 { throw InputError.headerOnly }
            try CommandErrors.writeStandardOutput(String(
                format: """
                    bench --csv %@: %d data rows, %d numeric fields, %.1f MB of field text in %.2f s
                    %.0f MB/s of CSV text, %.3f M rows/s, %.1f M fields/s (one thread; checksum %g)
                    """,
                path, rows - 1, parsed, Double(bytes) / 1e6, seconds, Double(bytes) / 1e6 / seconds,
                Double(rows - 1) / 1e6 / seconds, Double(parsed) / 1e6 / seconds, Double(checksum)) + "\n")
        }
    }
}
