/// Errors about the input: opening it, decoding it, or its CSV and numeric content.
///
/// Every case that refers to a place carries the 1-based *physical* line number: the header is
/// line 1, and a quoted field that spans lines counts each physical line it covers.
///
/// Each class of error maps to its own process exit code (see ``exitCode``):
///
/// | case | exit code |
/// |---|---|
/// | ``cannotOpen(path:reason:)`` | 3 |
/// | ``readFailed(reason:)`` | 4 |
/// | ``emptyInput`` | 5 |
/// | ``corruptGzip(reason:)`` | 6 |
/// | ``truncatedGzip`` | 7 |
/// | ``lineTooLong(line:limit:)`` | 8 |
/// | ``unterminatedQuote(line:)`` | 9 |
/// | ``malformedQuote(line:)`` | 10 |
/// | ``wrongFieldCount(line:expected:found:)`` | 11 |
/// | ``missingColumn(name:)`` | 12 |
/// | ``duplicateColumn(name:)`` | 13 |
/// | ``emptyColumnName(index:)`` | 14 |
/// | ``nonNumeric(line:column:text:)`` | 15 |
/// | ``nonFinite(line:column:text:)`` | 16 |
/// | ``emptyField(line:column:)`` | 17 |
/// | ``invalidUTF8(line:column:)`` | 18 |
/// | ``headerOnly`` | 21 |
/// | ``noFeatureColumns`` | 22 |
/// | ``emptyKey(line:column:)`` | 23 |
/// | ``repeatedHeader(line:)`` | 32 |
/// | ``archive(_:)`` | 33 |
/// | ``archiveWhereCSVExpected`` | 34 |
/// | ``carriageReturnLineEnds(line:)`` | 35 |
/// | ``interrupted(signal:)`` | 128 + signal |
///
/// Codes 0 and 1 are left for success and generic failure, 2 for command-line usage errors, and
/// 19...30 for output errors (``OutputError``) and future cases.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A binary archive given to a command that reads CSV only (`convert`, `evaluate`).
    case archiveWhereCSVExpected
    /// SIGINT or SIGTERM arrived while the input was read (``InputInterruption``); exit code
    /// 128 + the signal's number, as a shell reports a process the signal ended.
    case interrupted(signal: Int32)
    /// The path could not be opened (`ENOENT`, `EACCES`, a directory, ...).
    case cannotOpen(path: String, reason: String)
    /// `read(2)` failed after the input was opened.
    case readFailed(reason: String)
    /// No header at all: zero bytes, or only blank lines.
    case emptyInput
    /// The gzip stream is damaged (bad header, zlib data error, bad checksum).
    case corruptGzip(reason: String)
    /// The input ended before the end of a gzip member (before its trailer).
    case truncatedGzip
    /// A record is longer than the reader's limit, in bytes.
    case lineTooLong(line: Int, limit: Int)
    /// The input ended inside a quoted field that opened on `line`.
    case unterminatedQuote(line: Int)
    /// Text follows a closing quote before the next comma or end of line, as in `"ab"c`.
    case malformedQuote(line: Int)
    /// A record has a different number of fields than the header.
    case wrongFieldCount(line: Int, expected: Int, found: Int)
    /// A column the caller needs (for example the key column) is not in the header.
    case missingColumn(name: String)
    /// Two header fields have the same name.
    case duplicateColumn(name: String)
    /// A header field is empty; `index` is the 1-based column position.
    case emptyColumnName(index: Int)
    /// A numeric field is not a decimal number.
    case nonNumeric(line: Int, column: String, text: String)
    /// A numeric field spells nan or infinity, or overflows `Float` (such as `1e400`).
    case nonFinite(line: Int, column: String, text: String)
    /// A numeric field is empty or only whitespace.
    case emptyField(line: Int, column: String)
    /// A text field (for example a key) is not valid UTF-8.
    case invalidUTF8(line: Int, column: String)
    /// The input has a header row and no data rows.
    case headerOnly
    /// Every column is the key, label or time column: nothing to score.
    case noFeatureColumns
    /// The key field of a row is empty.
    case emptyKey(line: Int, column: String)
    /// A data row repeats the header (files concatenated with their headers).
    case repeatedHeader(line: Int)
    /// The header holds a carriage return outside quotes that ends no line: the file's lines
    /// end with CR alone (classic Mac OS), so the whole file reads as one header line.
    case carriageReturnLineEnds(line: Int)
    /// A binary archive is damaged, truncated or not readable (the error names the offset).
    case archive(ArchiveError)

    /// The process exit code for this class of error, each class its own code in 3...18, 21...23 and 32...35.
    ///
    /// The table in the type's documentation lists them; they are stable across releases.
    public var exitCode: Int32 {
        switch self {
        case .cannotOpen: 3
        case .readFailed: 4
        case .emptyInput: 5
        case .corruptGzip: 6
        case .truncatedGzip: 7
        case .lineTooLong: 8
        case .unterminatedQuote: 9
        case .malformedQuote: 10
        case .wrongFieldCount: 11
        case .missingColumn: 12
        case .duplicateColumn: 13
        case .emptyColumnName: 14
        case .nonNumeric: 15
        case .nonFinite: 16
        case .emptyField: 17
        case .invalidUTF8: 18
        case .headerOnly: 21
        case .noFeatureColumns: 22
        case .emptyKey: 23
        case .repeatedHeader: 32
        case .archive: 33
        case .archiveWhereCSVExpected: 34
        case .carriageReturnLineEnds: 35
        case let .interrupted(signal): 128 + signal
        }
    }

    /// A bad row (as opposed to a bad input): `--on-bad-row skip` passes over it and goes on.
    public var isRowLevel: Bool { reason != nil }

    /// A record-level error of the reader itself, after which ``CSVReader/skipBadRecord(_:)``
    /// resynchronizes on the next line.
    public var isRecoverable: Bool {
        switch self {
        case .lineTooLong, .malformedQuote, .unterminatedQuote: true
        default: false
        }
    }

    /// The bad-row reason counted by `--on-bad-row skip` (nil for input-level errors).
    public var reason: String? {
        switch self {
        case .lineTooLong: "line too long"
        case .unterminatedQuote: "unterminated quote"
        case .malformedQuote: "text after a closing quote"
        case .wrongFieldCount: "wrong field count"
        case .nonNumeric: "non-numeric value"
        case .nonFinite: "non-finite value"
        case .emptyField: "empty value"
        case .invalidUTF8: "invalid UTF-8"
        case .emptyKey: "empty key"
        case .repeatedHeader: "repeated header"
        default: nil
        }
    }

    /// A one-line message, e.g. `line 17, column "cpu": non-numeric value "1.2.3"`.
    ///
    /// Quoted text is shortened to ``InputError/maxQuotedLength`` characters and control characters are
    /// escaped, so the message stays on one line whatever the input held.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            "cannot open \(Self.quoted(path)): \(reason)"
        case let .readFailed(reason):
            "read failed: \(reason)"
        case .archiveWhereCSVExpected:
            "the input is a binary archive; this command reads CSV (score and replay read archives)"
        case let .interrupted(signal):
            "stopped by signal \(signal)"
        case .emptyInput:
            "empty input: no header row"
        case let .corruptGzip(reason):
            "corrupt gzip data: \(reason)"
        case .truncatedGzip:
            "truncated gzip data: the input ended inside a compressed member"
        case let .lineTooLong(line, limit):
            "line \(line): record longer than \(limit) bytes"
        case let .unterminatedQuote(line):
            "line \(line): quoted field is never closed"
        case let .malformedQuote(line):
            "line \(line): text after a closing quote"
        case let .wrongFieldCount(line, expected, found):
            "line \(line): expected \(expected) fields, found \(found)"
        case let .missingColumn(name):
            "column \(Self.quoted(name)) is not in the header"
                + (name == "key" ? " (the default key column: name the column that says which source a row is from with --key-column NAME; a file of one series needs a column of one value)" : "")
        case let .duplicateColumn(name):
            "column \(Self.quoted(name)) appears more than once in the header"
        case let .emptyColumnName(index):
            "column \(index) of the header has an empty name"
        case let .nonNumeric(line, column, text):
            "line \(line), column \(Self.quoted(column)): non-numeric value \(Self.quoted(text))"
        case let .nonFinite(line, column, text):
            "line \(line), column \(Self.quoted(column)): non-finite value \(Self.quoted(text))"
        case let .emptyField(line, column):
            "line \(line), column \(Self.quoted(column)): empty value"
        case let .invalidUTF8(line, column):
            "line \(line), column \(Self.quoted(column)): invalid UTF-8"
        case .headerOnly:
            "no data rows: the input has a header only"
        case .noFeatureColumns:
            "no feature columns: every column is the key, label or time column"
        case let .emptyKey(line, column):
            "line \(line), column \(Self.quoted(column)): empty key"
        case let .repeatedHeader(line):
            "line \(line): the header again (files concatenated with their headers?)"
        case let .carriageReturnLineEnds(line):
            "line \(line): the header holds a carriage return that ends no line: the file's lines end with CR alone; convert them first, e.g. tr '\\r' '\\n' < in.csv > fixed.csv"
        case let .archive(error):
            error.description
        }
    }

    /// The longest piece of input text quoted in a ``description``, in characters.
    public static let maxQuotedLength = 60

    /// Quotes `text` for a message: shortened, with `"`, `\` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == maxQuotedLength {
                out += "..."
                break
            }
            count += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
