import ClipStreamIO
import Testing

@Suite("FloatParser agrees with correctly rounded conversion")
struct FloatParserRoundTripTests {
    @Test func shortestDescriptionsRoundTripBitExactly() {
        var rng = SplitMix64(seed: 0x5EED_F10A7)
        var checked = 0
        var mismatches: [String] = []
        while checked < 100_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            guard value.isFinite else { continue }
            checked += 1
            let text = value.description
            if parseFloat(text) != .value(value) || value.bitPattern != bitPattern(parseFloat(text)) {
                mismatches.append(text)
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    @Test func randomDecimalsMatchTheSystemConversion() {
        var rng = SplitMix64(seed: 20_240_601)
        var mismatches: [String] = []
        for _ in 0..<100_000 {
            let digitCount = Int.random(in: 1...9, using: &rng)
            var digits = String(Int.random(in: 1...9, using: &rng))
            for _ in 1..<digitCount { digits += String(Int.random(in: 0...9, using: &rng)) }
            let exponent = Int.random(in: -20...20, using: &rng)
            let negative = Bool.random(using: &rng)
            let text: String
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                text = (negative ? "-" : "") + digits + "e" + String(exponent)
            case 1:
                // A decimal point somewhere inside the digits.
                let point = Int.random(in: 0...digitCount, using: &rng)
                let index = digits.index(digits.startIndex, offsetBy: point)
                text = (negative ? "-" : "") + digits[..<index] + "." + digits[index...] + "E" + String(exponent)
            default:
                text = (negative ? "-" : "+") + "0.000" + digits
            }
            guard let expected = Float(text) else {
                mismatches.append("system rejected \(text)")
                continue
            }
            if bitPattern(parseFloat(text)) != expected.bitPattern {
                mismatches.append(text)
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    @Test func longMantissasMatchTheSystemConversion() {
        var rng = SplitMix64(seed: 77)
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            var digits = ""
            for _ in 0..<Int.random(in: 10...25, using: &rng) { digits += String(Int.random(in: 0...9, using: &rng)) }
            let text = "0." + digits + "e" + String(Int.random(in: -45...39, using: &rng))
            guard let expected = Float(text), expected.isFinite else { continue }
            if bitPattern(parseFloat(text)) != expected.bitPattern {
                mismatches.append(text)
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    private func bitPattern(_ result: FloatParser.Result) -> UInt32? {
        if case let .value(value) = result { return value.bitPattern }
        return nil
    }
}
