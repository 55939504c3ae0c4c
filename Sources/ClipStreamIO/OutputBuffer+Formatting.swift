extension OutputBuffer {
    /// Appends `value` in decimal.
    /// - Complexity: O(digits); no allocation.
    public func write(_ value: Int) {
        reserve(20)  // "-9223372036854775808"
        var cursor = LineCursor(at: storage + count)
        cursor.decimal(value)
        count = cursor.position - storage
    }

    /// Appends the shortest text that reads back as exactly `value` (Swift's `description`,
    /// e.g. `0.1`, `1e-05`, `-3.4028235e+38`).
    /// - Parameter value: A finite value (a precondition: CSV output never holds nan or inf).
    /// - Complexity: O(1); no allocation (the text fits a small string).
    public func write(_ value: Float) {
        precondition(value.isFinite, "non-finite Float written to CSV output")
        write(value.description)
    }

    /// Appends the shortest text that reads back as exactly `value`.
    /// - Parameter value: A finite value (a precondition).
    /// - Complexity: O(1); one allocation when the text exceeds 15 bytes (17 significant digits).
    public func write(_ value: Double) {
        precondition(value.isFinite, "non-finite Double written to CSV output")
        write(value.description)
    }

    /// Appends `string` as one RFC 4180 field: quoted when it holds `,`, `"`, CR or LF or starts
    /// or ends with a space, with each `"` doubled; otherwise as it is. The empty string is
    /// written as nothing (an empty field).
    /// - Complexity: O(n); no allocation for native strings.
    public func writeField(_ string: String) {
        var text = string
        text.withUTF8 { writeField(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends `bytes` as one RFC 4180 field, quoting as ``writeField(_:)`` does.
    /// - Complexity: O(n).
    public func writeField(bytes: UnsafeRawBufferPointer) {
        guard Self.needsQuoting(bytes) else {
            write(bytes)
            return
        }
        writeByte(UInt8(ascii: "\""))
        var runStart = 0
        for k in 0..<bytes.count where bytes[k] == UInt8(ascii: "\"") {
            // Copy up to and including the quote, then the quote again.
            write(UnsafeRawBufferPointer(rebasing: bytes[runStart...k]))
            writeByte(UInt8(ascii: "\""))
            runStart = k + 1
        }
        write(UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
        writeByte(UInt8(ascii: "\""))
    }

    /// Whether `bytes` must be quoted to read back as one field with the same content.
    static func needsQuoting(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") { return true }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                return true
            default:
                continue
            }
        }
        return false
    }
}
