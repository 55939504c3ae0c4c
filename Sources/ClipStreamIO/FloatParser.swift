/// A strict decimal-to-`Float` parser over raw bytes, correctly rounded, with no allocation on
/// the common path.
///
/// Grammar: optional spaces or tabs, an optional sign `+`/`-`, digits with at most one `.` (at least
/// one digit on either side), an optional exponent `e`/`E` with optional sign and at least one
/// digit, optional spaces or tabs. Nothing else: no hex, no `_` or `,` separators, no `%`.
///
/// Accepted: `1`, `-0`, `+1.5`, `.5`, `5.`, `1E3`, `00012`, `0.000123`, `1e-50` (underflows to zero
/// or a subnormal, which is a valid value).
/// ``Result/nonNumeric``: `1.2.3`, `0x10`, `1_000`, `5%`, `1,5`, `abc`, `.`, `-`, `e5`, `1e`.
/// ``Result/nonFinite``: nan, inf and infinity in any case and with either sign, and values that
/// overflow `Float` such as `1e400` or `3.5e38`.
/// ``Result/empty``: zero bytes or only whitespace.
///
/// How the value is computed (why not `strtof` everywhere: it costs about ten times the fast path
/// and needs a NUL-terminated copy):
/// 1. The digits are accumulated into a `UInt64` mantissa `m` with a decimal exponent `q`
///    (value = m × 10^q). Up to 19 significant digits this is exact; more go to step 4.
/// 2. `m ≤ 2^24` and `|q| ≤ 10`: `Float(m)` and `10^|q|` are exact `Float`s, so one IEEE multiply
///    or divide gives the correctly rounded result.
/// 3. `m ≤ 2^53` and `|q| ≤ 22`: the same in `Double` (Clinger's fast path) gives the correctly
///    rounded `Double`, then converted to `Float`. Rounding twice can differ from rounding once
///    only when the `Double` lands exactly on a midpoint between two `Float`s; that case (about one
///    input in 2^29) is detected from the bit pattern and sent to step 4, so results stay correctly
///    rounded.
/// 4. Otherwise, after checking the syntax and ruling out certain overflow and underflow from the
///    digit count, `strtof` converts a NUL-terminated copy in a stack buffer.
public enum FloatParser {
    /// The outcome of parsing one field.
    public enum Result: Equatable, Sendable {
        /// A finite value (possibly zero or subnormal after underflow).
        case value(Float)
        /// Zero bytes or only spaces and tabs.
        case empty
        /// Not a decimal number.
        case nonNumeric
        /// A nan or infinity spelling, or a value that overflows `Float`.
        case nonFinite
    }

    /// Parses `bytes` as a decimal `Float`.
    /// - Parameter bytes: The field's bytes (no NUL terminator needed).
    /// - Returns: The value, or why there is none.
    /// - Complexity: O(n); no allocation. Steps 2 and 3 above cost a few nanoseconds; step 4 calls
    ///   `strtof` on a copy on the stack.
    public static func parse(_ field: UnsafeRawBufferPointer) -> Result {
        // Unchecked byte access: every index below is compared with `end <= field.count` first.
        guard let base = field.baseAddress else { return .empty }
        let bytes = UncheckedBytes(base: base.assumingMemoryBound(to: UInt8.self))
        var start = 0
        var end = field.count
        while start < end && isBlank(bytes[start]) { start += 1 }
        while end > start && isBlank(bytes[end - 1]) { end -= 1 }
        if start == end { return .empty }

        var i = start
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if bytes[i] == UInt8(ascii: "+") {
            i += 1
        }
        if i < end && isSpecialStart(bytes[i]) {
            return isNonFiniteSpelling(UnsafeRawBufferPointer(rebasing: field[i..<end])) ? .nonFinite : .nonNumeric
        }

        // Digits are accumulated without a per-digit limit check (the loop is the hot spot); a
        // count above 19 is sorted out afterwards, as fast_float does.
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < end {
            let d = bytes[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digitCount = i - integerStart
        var exponent = 0
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < end {
                let d = bytes[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            digitCount += i - fractionStart
            exponent = fractionStart - i
        }
        guard digitCount > 0 else { return .nonNumeric }
        if i < end && (bytes[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end && bytes[i] == UInt8(ascii: "-") {
                exponentNegative = true
                i += 1
            } else if i < end && bytes[i] == UInt8(ascii: "+") {
                i += 1
            }
            var written = 0
            let exponentStart = i
            while i < end {
                let d = bytes[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                // Saturate: anything this large over- or underflows whatever the mantissa.
                if written < 1_000_000 { written = written * 10 + Int(d) }
                i += 1
            }
            guard i > exponentStart else { return .nonNumeric }
            exponent += exponentNegative ? -written : written
        }
        guard i == end else { return .nonNumeric }

        if digitCount > 19 {
            // Leading zeros (as in 0.000000000000000000123) add nothing to the mantissa.
            var k = integerStart
            while k < end && (bytes[k] == UInt8(ascii: "0") || bytes[k] == UInt8(ascii: ".")) {
                if bytes[k] == UInt8(ascii: "0") { digitCount -= 1 }
                k += 1
            }
            if digitCount > 19 {
                // The mantissa wrapped: only strtof, which reads every digit, is exact here.
                return convertWithStrtof(UnsafeRawBufferPointer(rebasing: field[start..<end]))
            }
        }
        if mantissa == 0 { return .value(negative ? -0.0 : 0.0) }
        if mantissa <= 1 << 24 && exponent >= -10 && exponent <= 10 {
            let m = Float(mantissa)
            let magnitude = exponent < 0 ? m / floatPowerOfTen(-exponent) : m * floatPowerOfTen(exponent)
            return .value(negative ? -magnitude : magnitude)
        }
        if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let wide = exponent < 0 ? m / doublePowerOfTen(-exponent) : m * doublePowerOfTen(exponent)
            // The 29 low bits of a Double's significand are those a Float drops; exactly
            // half-way means the Double may sit on a Float midpoint the true value is not on.
            if wide.bitPattern & 0x1FFF_FFFF != 0x1000_0000 {
                let magnitude = Float(wide)
                return .value(negative ? -magnitude : magnitude)
            }
        }
        // value = mantissa × 10^exponent lies in [10^(d-1+exponent), 10^(d+exponent)) for a
        // mantissa of d digits.
        var significant = 0
        var rest = mantissa
        while rest > 0 {
            rest /= 10
            significant += 1
        }
        if significant + exponent > 40 { return .nonFinite }  // ≥ 10^40 > Float.greatestFiniteMagnitude
        if significant + exponent < -46 { return .value(negative ? -0.0 : 0.0) }  // < half the least subnormal
        return convertWithStrtof(UnsafeRawBufferPointer(rebasing: field[start..<end]))
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// `10^k` for `0 ≤ k ≤ 10`, each exact in `Float` (5^10 < 2^24).
    @inline(__always)
    static func floatPowerOfTen(_ k: Int) -> Float {
        switch k {
        case 0: 1
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        default: 1e10
        }
    }

    /// `10^k` for `0 ≤ k ≤ 22`, each exact in `Double` (5^22 < 2^53).
    @inline(__always)
    static func doublePowerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }
}

/// Byte access without bounds checks, for the parser's hot loops (callers check `end` first).
struct UncheckedBytes {
    let base: UnsafePointer<UInt8>

    @inline(__always)
    subscript(_ i: Int) -> UInt8 { base[i] }
}
