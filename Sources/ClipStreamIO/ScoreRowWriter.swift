import ClipStreamCore
import ClipStreamEngine

/// Formats `score` output: `row,key,score,threshold,alert[,label][,time][,top][,pull,lambda,clipped]`.
///
/// `alert` is empty while the decision is withheld (warm-up, re-anchoring, a muted repeat, a run past its first `--run-alerts` rows), else `0` or `1`;
/// `top` is `name:+0.61;name:-0.22` (signed shares, two decimals: of the key's sustained
/// deviation or of the row's `||z||^2`, `--explain-by`), empty when nothing is attributed; `lambda` and `clipped` are empty for a row that took no clipped step;
/// numbers are the shortest text that reads back to the same `Float` (`Double` beyond
/// `Float`'s range). One CSV record per row (a key holding a newline is quoted, so its record
/// spans two physical lines).
public struct ScoreRowWriter {
    /// Whether a `label` column is written.
    public let hasLabel: Bool
    /// Whether a `time` column is written.
    public let hasTime: Bool
    /// `k` of the `top` column (0: no column).
    public let explainCount: Int
    /// Whether `pull,lambda,clipped` are written.
    public let audit: Bool
    /// Whether only rows that alert get a line (``BatchLines`` passes over the others).
    public let alertsOnly: Bool
    private let featureNames: [[UInt8]]
    private var scratch: [UInt8] = []

    /// A writer for the given columns.
    public init(
        hasLabel: Bool, hasTime: Bool, explainCount: Int, audit: Bool, alertsOnly: Bool = false,
        featureNames: [String]
    ) {
        self.hasLabel = hasLabel
        self.hasTime = hasTime
        self.explainCount = explainCount
        self.audit = audit
        self.alertsOnly = alertsOnly
        self.featureNames = featureNames.map { Array($0.utf8) }
        scratch.reserveCapacity(256)
    }

    /// The header line, with its newline.
    public var header: String {
        var names = ["row", "key", "score", "threshold", "alert"]
        if hasLabel { names.append("label") }
        if hasTime { names.append("time") }
        if explainCount > 0 { names.append("top") }
        if audit { names += ["pull", "lambda", "clipped"] }
        return names.joined(separator: ",") + "\n"
    }

    /// Writes one row's line.
    /// - Parameters:
    ///   - label, time: the echoed fields' raw bytes (ignored when the column is off).
    ///   - topIndices, topShares: `explainCount` entries.
    /// - Complexity: O(k + field lengths); no allocation in steady state.
    public mutating func write(
        row: Int, key: String, result: RowScore, label: UnsafeRawBufferPointer,
        time: UnsafeRawBufferPointer, topIndices: UnsafePointer<Int32>,
        topShares: UnsafePointer<Float>, to out: OutputBuffer
    ) {
        if explainCount == 0 && !audit {
            var text = key
            let done = text.withUTF8 { key in
                writePlainLine(
                    row: row, key: UnsafeRawBufferPointer(key), keyIsEncoded: false, result: result, label: label,
                    time: time, to: out)
            }
            if done { return }
        }
        out.write(row)
        out.writeByte(UInt8(ascii: ","))
        out.writeField(key)
        writeAfterKey(
            result: result, label: label, time: time, topIndices: topIndices, topShares: topShares, to: out)
    }

    /// Writes one row's line with its key field already encoded (quoted as
    /// ``OutputBuffer/writeField(bytes:)`` would): the writer thread encodes each archive key
    /// once, not once per row.
    mutating func write(
        row: Int, encodedKey: UnsafeRawBufferPointer, result: RowScore, label: UnsafeRawBufferPointer,
        time: UnsafeRawBufferPointer, topIndices: UnsafePointer<Int32>,
        topShares: UnsafePointer<Float>, to out: OutputBuffer
    ) {
        if explainCount == 0 && !audit
            && writePlainLine(
                row: row, key: encodedKey, keyIsEncoded: true, result: result, label: label, time: time, to: out)
        {
            return
        }
        out.write(row)
        out.writeByte(UInt8(ascii: ","))
        out.write(encodedKey)
        writeAfterKey(
            result: result, label: label, time: time, topIndices: topIndices, topShares: topShares, to: out)
    }

    /// A line without `top` and audit columns (the common case), written through one
    /// ``OutputBuffer/withRoom(_:_:)``: the same text as the general path, without a capacity
    /// check per field. False when the line's bound exceeds the buffer (the general path then
    /// writes it).
    private func writePlainLine(
        row: Int, key: UnsafeRawBufferPointer, keyIsEncoded: Bool, result: RowScore,
        label: UnsafeRawBufferPointer, time: UnsafeRawBufferPointer, to out: OutputBuffer
    ) -> Bool {
        let bound = LineCursor.decimalBound + LineCursor.fieldBound(key.count) + 2 * LineCursor.numberBound
            + LineCursor.fieldBound(label.count) + LineCursor.fieldBound(time.count) + 8
        let (hasLabel, hasTime) = (self.hasLabel, self.hasTime)
        return out.withRoom(bound) { line in
            let comma = UInt8(ascii: ",")
            line.decimal(row)
            line.byte(comma)
            if keyIsEncoded { line.bytes(key) } else { line.field(key) }
            line.byte(comma)
            line.number(result.score)
            line.byte(comma)
            line.number(result.threshold)
            line.byte(comma)
            switch result.decision {
            case .withheld: break
            case .normal: line.byte(UInt8(ascii: "0"))
            case .alert: line.byte(UInt8(ascii: "1"))
            }
            if hasLabel {
                line.byte(comma)
                line.field(label)
            }
            if hasTime {
                line.byte(comma)
                line.field(time)
            }
            line.byte(UInt8(ascii: "\n"))
        }
    }

    /// The line from the comma after the key to the newline.
    private mutating func writeAfterKey(
        result: RowScore, label: UnsafeRawBufferPointer, time: UnsafeRawBufferPointer,
        topIndices: UnsafePointer<Int32>, topShares: UnsafePointer<Float>, to out: OutputBuffer
    ) {
        let comma = UInt8(ascii: ",")
        out.writeByte(comma)
        Self.writeNumber(result.score, to: out)
        out.writeByte(comma)
        Self.writeNumber(result.threshold, to: out)
        out.writeByte(comma)
        switch result.decision {
        case .withheld: break
        case .normal: out.writeByte(UInt8(ascii: "0"))
        case .alert: out.writeByte(UInt8(ascii: "1"))
        }
        if hasLabel {
            out.writeByte(comma)
            out.writeField(bytes: label)
        }
        if hasTime {
            out.writeByte(comma)
            out.writeField(bytes: time)
        }
        if explainCount > 0 {
            out.writeByte(comma)
            formatTop(topIndices, topShares)
            scratch.withUnsafeBytes { out.writeField(bytes: $0) }
        }
        if audit {
            out.writeByte(comma)
            Self.writeNumber(result.pull, to: out)
            out.writeByte(comma)
            // Rows that set the estimate directly (a key's first two rows, a re-anchoring) took
            // no clipped step: lambda and clipped stay empty rather than claim a bound.
            if result.tookClippedStep {
                Self.writeNumber(result.clipThreshold, to: out)
                out.writeByte(comma)
                out.writeByte(result.clipped ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            } else {
                out.writeByte(comma)
            }
        }
        out.writeByte(UInt8(ascii: "\n"))
    }

    /// `Float` text when the value fits, `Double` text beyond (scores are never clamped).
    static func writeNumber(_ value: Double, to out: OutputBuffer) {
        let narrow = Float(value)
        if narrow.isFinite { out.write(narrow) } else { out.write(value) }
    }

    private mutating func formatTop(_ indices: UnsafePointer<Int32>, _ shares: UnsafePointer<Float>) {
        scratch.removeAll(keepingCapacity: true)
        // Nothing attributed (a key's first row, or a row equal to the estimate and no sustained
        // deviation) explains nothing.
        if shares[0] == 0 { return }
        for i in 0..<explainCount {
            if i > 0 { scratch.append(UInt8(ascii: ";")) }
            scratch.append(contentsOf: featureNames[Int(indices[i])])
            scratch.append(UInt8(ascii: ":"))
            // Never anything but finite in [-1, 1]; a bad value must not trap the writer.
            let share = shares[i].isFinite ? max(-1, min(1, shares[i])) : 0
            scratch.append(share < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let hundredths = Int((abs(Double(share)) * 100).rounded())
            scratch.append(UInt8(ascii: "0") + UInt8(hundredths / 100))
            scratch.append(UInt8(ascii: "."))
            scratch.append(UInt8(ascii: "0") + UInt8(hundredths / 10 % 10))
            scratch.append(UInt8(ascii: "0") + UInt8(hundredths % 10))
        }
    }
}
