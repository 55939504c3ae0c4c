import ClipStreamEvaluation
import ClipStreamIO
import Foundation

/// Parsing of the fields `evaluate` reads: labels, and `score`'s `row`, `score` and `alert`.
enum EvaluateFields {
    /// `0`/`false` or `1`/`true` (any case, surrounding spaces or tabs allowed); `nil` otherwise.
    /// - Complexity: O(field length); no allocation (it runs once per row).
    static func label(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        func matches(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == end - start else { return false }
            for i in 0..<(end - start) {
                let byte = bytes[start + i]
                let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte  // ASCII A-Z only
                if lower != word.utf8Start[i] { return false }
            }
            return true
        }
        if matches("1") || matches("true") { return true }
        if matches("0") || matches("false") { return false }
        return nil
    }

    /// A `row` number: ASCII digits of a value from 1 to `Int.max`; `nil` otherwise.
    static func rowNumber(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (shifted, over) = value.multipliedReportingOverflow(by: 10)
            let (next, carry) = shifted.addingReportingOverflow(Int(byte - 0x30))
            guard !over && !carry else { return nil }
            value = next
        }
        return value >= 1 ? value : nil
    }

    /// The `alert` field: empty is an abstention, `0` no alert, `1` an alert; `nil` otherwise.
    static func decision(_ bytes: UnsafeRawBufferPointer) -> AlertDecision? {
        if bytes.isEmpty { return .abstained }
        guard bytes.count == 1 else { return nil }
        switch bytes[0] {
        case UInt8(ascii: "0"): return .normal
        case UInt8(ascii: "1"): return .alert
        default: return nil
        }
    }

    /// A `score`: `Float` text (what `score` writes), or `Double` text beyond `Float`'s range.
    /// - Throws: ``InputError`` for an empty, non-numeric or non-finite value.
    static func score(_ bytes: UnsafeRawBufferPointer, line: Int, column: String) throws(InputError) -> Double {
        switch FloatParser.parse(bytes) {
        case .value(let v):
            return Double(v)
        case .empty:
            throw .emptyField(line: line, column: column)
        case .nonNumeric:
            throw .nonNumeric(line: line, column: column, text: text(bytes))
        case .nonFinite:
            // `score` writes a score beyond Float's range as Double text; NaN and Inf stay errors.
            let text = text(bytes)
            if let wide = Double(text.trimmingCharacters(in: .whitespaces)), wide.isFinite { return wide }
            throw .nonFinite(line: line, column: column, text: text)
        }
    }

    static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
