/// Writes one output line into room an ``OutputBuffer`` lent (``OutputBuffer/withRoom(_:_:)``),
/// with no capacity check per write: the caller has bounded the line's length first.
///
/// The writer thread's hot path (`ScoreRowWriter`'s plain lines): each buffered write checked
/// the capacity and went through a call per field; the text is the same as
/// ``OutputBuffer``'s writes produce (its tests and the golden fixtures compare).
struct LineCursor {
    private(set) var position: UnsafeMutablePointer<UInt8>

    init(at start: UnsafeMutablePointer<UInt8>) { position = start }

    /// The most bytes ``number(_:)`` writes (`-2.2250738585072014e-308`).
    static let numberBound = 24
    /// The most bytes ``decimal(_:)`` writes.
    static let decimalBound = 20

    /// The most bytes ``field(_:)`` writes for `count` bytes (every byte a doubled quote).
    static func fieldBound(_ count: Int) -> Int { 2 * count + 2 }

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    mutating func bytes(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        UnsafeMutableRawPointer(position).copyMemory(from: base, byteCount: bytes.count)
        position += bytes.count
    }

    /// `bytes` as one RFC 4180 field (``OutputBuffer/writeField(bytes:)``'s rule).
    mutating func field(_ bytes: UnsafeRawBufferPointer) {
        guard OutputBuffer.needsQuoting(bytes) else {
            self.bytes(bytes)
            return
        }
        byte(UInt8(ascii: "\""))
        for b in bytes {
            byte(b)
            if b == UInt8(ascii: "\"") { byte(b) }
        }
        byte(UInt8(ascii: "\""))
    }

    /// `value` in decimal (``OutputBuffer/write(_:)-(Int)``'s text).
    mutating func decimal(_ value: Int) {
        var magnitude = value.magnitude
        if value < 0 { byte(UInt8(ascii: "-")) }
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var k = position + digits
        repeat {
            k -= 1
            k.pointee = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        position += digits
    }

    /// `Float` text when the value fits, `Double` text beyond (`ScoreRowWriter.writeNumber`).
    mutating func number(_ value: Double) {
        let narrow = Float(value)
        if narrow.isFinite {
            text(narrow.description)
        } else {
            precondition(value.isFinite, "non-finite Double written to CSV output")
            text(value.description)
        }
    }

    private mutating func text(_ string: String) {
        var text = string
        text.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }
}
