import ClipStreamCore
import ClipStreamEngine
import ClipStreamIO

/// Gathers what the HTML report draws while `score` or `replay` runs: per key, the
/// downsampled scores and every alert with its top attributions; forwards each call to the
/// run's own observer, if any.
final class ReportCollector: ScoringObserver {
    /// Attributions kept per alert (the pipeline computes them for the observer).
    static let explainCount = 3

    // By the key's bytes, as the engine tells keys apart (NFC and NFD spellings are two).
    private(set) var series: [ByteKey: ReportSeries] = [:]
    private(set) var keyOrder: [ByteKey] = []
    private(set) var totalRows = 0
    private(set) var totalAlerts = 0
    private(set) var withheld = 0
    private(set) var muted = 0
    private(set) var sawLabels = false
    weak var next: (any ScoringObserver)?

    func scored(
        row: Int, key: String, result: RowScore, label: UnsafeRawBufferPointer,
        topIndices: UnsafePointer<Int32>, topShares: UnsafePointer<Float>, explainCount: Int
    ) {
        next?.scored(
            row: row, key: key, result: result, label: label, topIndices: topIndices,
            topShares: topShares, explainCount: explainCount)
        totalRows += 1
        if result.decision == .alert { totalAlerts += 1 }
        if result.decision == .withheld { withheld += 1 }
        if result.muted { muted += 1 }
        let labelValue = Self.parseLabel(label)
        if labelValue != nil { sawLabels = true }
        let top = result.decision == .alert
            ? (0..<min(explainCount, Self.explainCount)).map { (feature: topIndices[$0], share: topShares[$0]) }
            : []
        let known = series.count
        let byteKey = ByteKey(key)
        series[byteKey, default: ReportSeries()].add(row: row, result: result, label: labelValue, top: top)
        if series.count > known { keyOrder.append(byteKey) }
    }

    /// The report draws every row (``scoreFloor`` stays at its default).
    func counted(_ counts: RowCounts) {
        next?.counted(counts)
    }

    func batchWritten(_ position: StreamPosition, engine: ShardedEngine, output: OutputBuffer) throws -> Bool {
        try next?.batchWritten(position, engine: engine, output: output) ?? true
    }

    func wantsOutput(at position: StreamPosition) -> Bool {
        next?.wantsOutput(at: position) ?? false
    }

    /// `1`/`true` is anomalous, `0`/`false` normal; anything else (or no label column) unknown.
    static func parseLabel(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        guard !bytes.isEmpty else { return nil }
        switch String(decoding: bytes, as: UTF8.self) {
        case "1", "true", "TRUE", "True": return true
        case "0", "false", "FALSE", "False": return false
        default: return nil
        }
    }
}
