#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension FloatParser {
    /// Whether `byte` can start a nan or infinity spelling (`n`, `N`, `i`, `I`).
    @inline(__always)
    static func isSpecialStart(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower == UInt8(ascii: "n") || lower == UInt8(ascii: "i")
    }

    /// Whether a field that ``parse(_:)`` called ``Result/nonFinite`` spells NaN (`nan` in any
    /// case, signed or not, blanks around it), not an infinity or an overflow.
    public static func spellsNaN(_ field: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        var end = field.count
        while start < end && isBlank(field[start]) { start += 1 }
        while end > start && isBlank(field[end - 1]) { end -= 1 }
        if start < end && (field[start] == UInt8(ascii: "-") || field[start] == UInt8(ascii: "+")) { start += 1 }
        return equalsIgnoringASCIICase(UnsafeRawBufferPointer(rebasing: field[start..<end]), "nan")
    }

    /// Whether `bytes` (after the sign) spell `nan`, `inf` or `infinity` in any case.
    static func isNonFiniteSpelling(_ bytes: UnsafeRawBufferPointer) -> Bool {
        equalsIgnoringASCIICase(bytes, "nan") || equalsIgnoringASCIICase(bytes, "inf")
            || equalsIgnoringASCIICase(bytes, "infinity")
    }

    private static func equalsIgnoringASCIICase(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let letters = word.utf8Start
        for k in 0..<bytes.count where bytes[k] | 0x20 != letters[k] {
            return false
        }
        return true
    }

    /// Converts syntax-checked decimal text with `strtof` on a NUL-terminated copy.
    ///
    /// `strtof` is correctly rounded in glibc and reads the `C` locale's `.` unless the process
    /// called `setlocale`, which this module never does.
    /// - Complexity: O(n). The copy uses `withUnsafeTemporaryAllocation`: on the stack for field-sized
    ///   text, one heap allocation only for pathological lengths (thousands of digits).
    static func convertWithStrtof(_ text: UnsafeRawBufferPointer) -> Result {
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { copy -> Float in
            guard let base = copy.baseAddress else { return 0 }
            for k in 0..<text.count { copy[k] = CChar(bitPattern: text[k]) }
            copy[text.count] = 0
            return strtof(base, nil)
        }
        return value.isFinite ? .value(value) : .nonFinite
    }
}
