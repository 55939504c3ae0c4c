import Foundation
import ClipStreamIO
import Testing

/// Parses `text` with ``FloatParser``.
func parseFloat(_ text: String) -> FloatParser.Result {
    Array(text.utf8).withUnsafeBytes { FloatParser.parse($0) }
}

@Suite("FloatParser accepted and rejected spellings")
struct FloatParserTests {
    static let accepted: [(String, Float)] = [
        ("1", 1), ("-0", -0.0), ("+1.5", 1.5), (".5", 0.5), ("5.", 5), ("1E3", 1000), ("1e3", 1000),
        ("00012", 12), ("0.000123", 0.000123), ("0.032258", 0.032258), ("0", 0), ("0.0", 0),
        ("  42\t", 42), ("\t-7.25 ", -7.25), ("1e+2", 100), ("2.5E-3", 0.0025), ("16777217", 16_777_216),
        ("3.4028235e38", .greatestFiniteMagnitude), ("1.17549435e-38", .leastNormalMagnitude),
        ("1.4e-45", .leastNonzeroMagnitude), ("0.1", 0.1), ("123456789012345678901234567890", Float("123456789012345678901234567890")!),
        ("0.00000000000000000000000000000000000000000000001", 0), ("1e-50", 0), ("-1e-50", -0.0),
        ("9007199254740993", 9_007_199_254_740_992), ("1e0000000000000000000000003", 1000),
        ("0.00000000000000000000123456789", Float("0.00000000000000000000123456789")!),
        ("1.00000000000000000000000", 1), ("000000000000000000000000000000.5", 0.5),
        ("12345678901234567890e-30", Float("12345678901234567890e-30")!),
    ]

    static let nonNumeric = [
        "1.2.3", "0x10", "1_000", "5%", "1,5", "abc", ".", "-", "+", "e5", "1e", "1e+", "--1", "1-", "1 2",
        "nanx", "in", "infinit", "1.5f", "١", "+-1", "1e1.5", "..5",
    ]

    static let nonFinite = [
        "nan", "NaN", "NAN", "-nan", "+nan", "inf", "INF", "-Inf", "+inf", "infinity", "Infinity", "-INFINITY",
        "1e400", "3.5e38", "-3.5e38", "3.4028236e38", "1e39", "123456789e99999999999",
    ]

    @Test(arguments: accepted)
    func acceptedSpellings(text: String, expected: Float) {
        let result = parseFloat(text)
        guard case let .value(value) = result else {
            Issue.record("\(text) -> \(result)")
            return
        }
        #expect(value.bitPattern == expected.bitPattern, "\(text) -> \(value), expected \(expected)")
    }

    @Test(arguments: nonNumeric)
    func nonNumericSpellings(text: String) {
        #expect(parseFloat(text) == .nonNumeric, "\(text)")
    }

    @Test(arguments: nonFinite)
    func nonFiniteSpellings(text: String) {
        #expect(parseFloat(text) == .nonFinite, "\(text)")
    }

    /// Of the non-finite spellings, the NaNs (`--missing impute` takes them as missing values;
    /// infinities and overflows stay bad rows).
    @Test(arguments: nonFinite)
    func nanSpellingsAmongTheNonFinite(text: String) {
        let spellsNaN = Array(text.utf8).withUnsafeBytes { FloatParser.spellsNaN($0) }
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        #expect(spellsNaN == ["nan", "-nan", "+nan"].contains(lowered), "\(text)")
    }

    @Test(arguments: ["", " ", "\t", "  \t "])
    func emptySpellings(text: String) {
        #expect(parseFloat(text) == .empty)
    }

    @Test func underflowGivesSubnormalsNotErrors() {
        #expect(parseFloat("1e-40") == .value(Float("1e-40") ?? .nan))
        // Half the least subnormal is 7.00649...e-46: below it rounds to zero, above it does not.
        #expect(parseFloat("7e-46") == .value(0))
        #expect(parseFloat("-7.1e-46") == .value(-Float.leastNonzeroMagnitude))
        #expect(parseFloat("7.0065e-46") == .value(.leastNonzeroMagnitude))
    }

    /// Decimals whose correctly rounded Double lies exactly on a midpoint between two Floats, so
    /// converting that Double would round the wrong way (found with exact rational arithmetic).
    @Test(arguments: [
        ("0.0002749544946709648", Float(bitPattern: 0x3990_27C5)),
        ("0.07723983749747276", Float(bitPattern: 0x3D9E_2FEB)),
        ("0.07723983749747277", Float(bitPattern: 0x3D9E_2FEC)),
    ])
    func doubleRoundingMidpointsAreCorrectlyRounded(text: String, expected: Float) {
        #expect(Float(text) == expected)  // the system's correctly rounded strtof agrees
        // Converting the correctly rounded Double would get one of each pair wrong.
        #expect(Float(Double(text)!) != expected || text.hasSuffix("77"))
        #expect(parseFloat(text) == .value(expected))
    }
}
