import ClipStreamIO
import Foundation

/// Progress of a replay on stderr: a redrawn bar when stderr is a terminal, else one line every
/// `interval` seconds. Rows, percent of the input's bytes (compressed bytes for gzip), rows/s
/// and the estimated time left.
final class ProgressReporter {
    private let totalBytes: Int?
    private let isTerminal: Bool
    private let interval: Double
    private let start = Date()
    private var lastReport = Date.distantPast
    private var startRows = 0
    private var printedBar = false

    /// - Parameters:
    ///   - totalBytes: the input's size, when it is a regular file.
    ///   - startRows: rows already done before this process (a resumed run).
    init(totalBytes: Int?, interval: Double, startRows: Int) {
        self.totalBytes = totalBytes
        isTerminal = isatty(STDERR_FILENO) == 1
        self.interval = isTerminal ? min(interval, 0.2) : interval
        self.startRows = startRows
    }

    func update(_ position: StreamPosition, final: Bool = false) {
        let now = Date()
        guard final || now.timeIntervalSince(lastReport) >= interval else { return }
        lastReport = now
        let elapsed = max(now.timeIntervalSince(start), 1e-9)
        let rate = Double(position.dataRows - startRows) / elapsed
        var text = "\(Self.count(position.dataRows)) rows"
        var eta = ""
        if let totalBytes, totalBytes > 0 {
            let fraction = min(1, Double(position.inputBytes) / Double(totalBytes))
            text += String(format: "  %5.1f%%", fraction * 100)
            if fraction > 0.001 && !final {
                let bytesRate = Double(position.inputBytes) / elapsed
                let left = Double(totalBytes - position.inputBytes) / max(bytesRate, 1e-9)
                eta = "  ETA " + Self.duration(left)
            }
        }
        text += "  \(Self.count(Int(rate)))/s" + eta + "  " + Self.duration(elapsed)
        if isTerminal {
            let width = 24
            let filled = totalBytes.map { Int(Double(width) * min(1, Double(position.inputBytes) / Double(max($0, 1)))) } ?? 0
            let bar = totalBytes == nil ? "" : "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + bar + text + (final ? "\n" : "")).utf8))
            printedBar = !final
        } else {
            FileHandle.standardError.write(Data(("progress: " + text + "\n").utf8))
        }
    }

    /// Ends a terminal bar's line before other output.
    func finishLine() {
        if printedBar { FileHandle.standardError.write(Data("\n".utf8)) }
        printedBar = false
    }

    static func count(_ n: Int) -> String {
        switch n {
        case ..<10_000: "\(n)"
        case ..<1_000_000: String(format: "%.1fk", Double(n) / 1e3)
        default: String(format: "%.2fM", Double(n) / 1e6)
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
