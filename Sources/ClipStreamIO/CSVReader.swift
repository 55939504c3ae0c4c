#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte-level RFC 4180 CSV reader over one reusable buffer.
///
/// Records are slices of the buffer: no `String` or array is made per record or per field. Input
/// is read in chunks of ``readChunkSize`` bytes; when a record straddles the end of the buffer its
/// start is moved to the front (`memmove`) and more is read behind it.
///
/// Rules: CRLF and LF both end a record; blank lines (empty or only `\r`) are skipped; a UTF-8 BOM
/// at the very start is skipped; a final line without a newline is a record. A field that starts
/// with `"` is quoted and may hold commas, CR, LF and `""` (one quote); a `"` inside an unquoted
/// field is an ordinary byte. Text between a closing quote and the next comma or line end is
/// ``InputError/malformedQuote(line:)``. Field counts are not checked here: callers compare
/// ``fieldCount`` with the header's.
///
/// Memory stays bounded whatever the input: the buffer never exceeds ``maxLineLength`` + 1 +
/// ``readChunkSize`` bytes (a 1 GiB line without a newline throws ``InputError/lineTooLong(line:limit:)``
/// once the limit is passed), and the field table holds at most one entry per byte of a record.
///
/// The reader is used from one thread at a time and is not `Sendable`. After it throws, every
/// later call to ``next(blocking:)`` throws the same error.
public final class CSVReader {
    /// The default limit on one record's length: 1 MiB (`1 << 20`) bytes, terminator excluded.
    public static let defaultMaxLineLength = 1 << 20
    /// The default size of one read from the source: 256 KiB.
    public static let defaultReadChunkSize = 1 << 18

    /// What ``next(blocking:)`` found.
    public enum ReadResult: Equatable, Sendable {
        /// A record is current: read it with ``fieldCount`` and ``withField(_:_:)``.
        case record
        /// The input ended; every later call returns this again.
        case endOfInput
        /// No complete record is buffered and the source has nothing ready (non-blocking calls only).
        case wouldBlock
    }

    /// The source read from.
    public let source: ByteSource
    /// The longest record accepted, in bytes, not counting its line terminator.
    public let maxLineLength: Int
    /// The most bytes asked of the source in one read.
    public let readChunkSize: Int

    // The buffer holds [0, filled); the record being parsed starts at `recordStart`, parsing
    // resumes at `scanPosition`, and the current (returned) record starts at `currentStart`.
    var buffer: UnsafeMutablePointer<UInt8>
    /// The buffer's size in bytes; at most ``maxLineLength`` + 1 + ``readChunkSize`` (the 1: a
    /// record at the limit whose CRLF's `\r` has arrived and its `\n` not yet).
    public private(set) var bufferCapacity: Int
    var filled = 0
    var recordStart = 0
    var scanPosition = 0
    var currentStart = 0

    // Resumable parse state of the record being parsed (positions relative to `recordStart`), so
    // a record split across reads is scanned once, not again from its start after every read.
    var state = ParseState.fieldStart
    var fieldBegin = 0
    var closingQuote = 0
    var fieldNeedsUnescape = false
    var embeddedNewlines = 0
    var quoteNewlines = 0

    // Field table: one entry per field, reused for every record.
    var spans: UnsafeMutablePointer<FieldSpan>
    var spanCapacity: Int
    var spanCount = 0
    var hasRecord = false
    // Internal rather than `public private(set)`: the optimizer drops the dynamic exclusivity
    // check on internal stored properties it sees all uses of, but kept one (a fifth of the time
    // of `float(at:)`) on the public one.
    var recordFieldCount = 0

    /// The number of fields in the current record (0 when there is none).
    public var fieldCount: Int { recordFieldCount }

    /// The 1-based physical line where the current record starts (the header is line 1).
    public private(set) var lineNumber = 0
    var nextLine = 1

    var sourceEnded = false
    var bomChecked = false
    var failure: InputError?
    /// Where a bad record is known to end (just past its terminator), when it is.
    var badRecordEnd: Int?

    // Holds a quoted field with `""` unescaped; grows to the longest such field, then is reused.
    var scratch: UnsafeMutablePointer<UInt8>?
    var scratchCapacity = 0

    /// Creates a reader; nothing is read until the first ``next(blocking:)``.
    /// - Parameters:
    ///   - source: The bytes to parse.
    ///   - maxLineLength: The longest record accepted, in bytes (default 1 MiB).
    ///   - readChunkSize: The most bytes asked of the source in one read (default 256 KiB).
    /// - Complexity: Allocates a buffer of min(2 × `readChunkSize`, limit) bytes, grown (up to
    ///   `maxLineLength` + `readChunkSize`) only for records longer than the buffer.
    public init(
        source: ByteSource,
        maxLineLength: Int = CSVReader.defaultMaxLineLength,
        readChunkSize: Int = CSVReader.defaultReadChunkSize
    ) {
        precondition(maxLineLength > 0, "maxLineLength must be positive")
        precondition(readChunkSize > 0, "readChunkSize must be positive")
        self.source = source
        self.maxLineLength = maxLineLength
        self.readChunkSize = readChunkSize
        bufferCapacity = min(2 * readChunkSize, maxLineLength + 1 + readChunkSize)
        buffer = .allocate(capacity: bufferCapacity)
        spanCapacity = 64
        spans = .allocate(capacity: spanCapacity)
    }

    deinit {
        buffer.deallocate()
        spans.deallocate()
        scratch?.deallocate()
    }

    /// Bytes of the underlying source consumed so far (compressed bytes for gzip), for progress.
    public var bytesConsumed: Int { source.bytesConsumed }

    /// Advances to the next record, skipping blank lines.
    ///
    /// The previous record's fields become invalid.
    /// - Parameter blocking: When false, returns ``ReadResult/wouldBlock`` instead of waiting when
    ///   no complete record is buffered and `source.isReadable` is false; the caller can flush its
    ///   output and call again with `blocking: true`.
    /// - Returns: ``ReadResult/record``, ``ReadResult/endOfInput`` or ``ReadResult/wouldBlock``.
    /// - Throws: ``InputError/lineTooLong(line:limit:)``, ``InputError/unterminatedQuote(line:)``,
    ///   ``InputError/malformedQuote(line:)``, or the source's read and decoding errors.
    /// - Complexity: Amortized O(record length); no allocation in steady state.
    public func next(blocking: Bool) throws(InputError) -> ReadResult {
        if let failure { throw failure }
        do throws(InputError) {
            return try advance(blocking: blocking)
        } catch {
            failure = error
            recordFieldCount = 0
            throw error
        }
    }

    /// The raw bytes of the current record as read, its line terminator included.
    public func withCurrentRecordBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(hasRecord, "no current record")
        return try body(UnsafeRawBufferPointer(start: buffer + currentStart, count: recordStart - currentStart))
    }

    /// After ``next(blocking:)`` threw a record-level error (``InputError/isRecoverable``):
    /// passes over the bad record, handing its raw bytes to `sink` (in pieces, so a 1 GiB line
    /// needs no more memory than any other), and makes the reader usable again.
    ///
    /// The bad record ends at its terminator when that is known (an over-long record that did
    /// end), else at the first line feed outside quotes after the point of the error. A quote
    /// still open ``quoteGrace`` times ``maxLineLength`` bytes on (a stray `"` in numeric
    /// data) is given up, and the next line feed ends the record, so one bad byte costs a
    /// bounded stretch of the stream (some 5 MiB at the defaults), not the rest of it. At the
    /// end of input it ends there.
    /// - Throws: the source's read and decoding errors.
    public func skipBadRecord(_ sink: (UnsafeRawBufferPointer) -> Void) throws(InputError) {
        guard let failure, failure.isRecoverable else { preconditionFailure("no recoverable error to skip") }
        self.failure = nil
        var lineFeeds = 0
        func emit(_ end: Int) {
            let bytes = UnsafeRawBufferPointer(start: buffer + recordStart, count: end - recordStart)
            lineFeeds += bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            sink(bytes)
            recordStart = end
            scanPosition = end
        }
        if let end = badRecordEnd {
            emit(end)
        } else {
            // The record's end is the first line feed outside quotes, so the scan goes on from
            // where the parser stopped: a line feed inside a quoted field (one too long to
            // buffer, say) would otherwise end the skip there, and the field's rest would be
            // read as records of its own.
            var i = max(scanPosition, recordStart)
            var quoting = state
            var scanned = 0
            while true {
                let from = i
                if scanned > Self.quoteGrace * maxLineLength {
                    while i < filled && buffer[i] != UInt8(ascii: "\n") { i += 1 }
                } else {
                    while i < filled && !Self.endsRecord(buffer[i], &quoting) { i += 1 }
                }
                scanned += i - from
                if i < filled {
                    emit(i + 1)
                    break
                }
                emit(filled)
                if sourceEnded { break }
                do throws(InputError) {
                    try fill()
                } catch {
                    self.failure = error
                    throw error
                }
                i = scanPosition
            }
        }
        badRecordEnd = nil
        nextLine += lineFeeds
        state = .fieldStart
        fieldBegin = 0
        closingQuote = 0
        fieldNeedsUnescape = false
        embeddedNewlines = 0
        spanCount = 0
        recordFieldCount = 0
        hasRecord = false
    }

    /// Multiple of ``maxLineLength`` a skipped record's quoted field may still run on past the
    /// point of the error before its quote is given up (``skipBadRecord(_:)``).
    static let quoteGrace = 4

    /// Steps `state` over `byte` the way ``scan()`` does, only as far as quoting goes (a bad
    /// record's malformed quote makes the rest of its field plain text); true at a line feed
    /// that ends the record.
    static func endsRecord(_ byte: UInt8, _ state: inout ParseState) -> Bool {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lineFeed = UInt8(ascii: "\n")
        switch state {
        case .fieldStart:
            if byte == quote { state = .quoted } else if byte != comma { state = .unquoted }
        case .unquoted:
            if byte == comma { state = .fieldStart }
        case .quoted:
            if byte == quote { state = .quoteInQuoted }
            return false
        case .quoteInQuoted:
            if byte == quote { state = .quoted } else if byte == comma { state = .fieldStart } else if byte != lineFeed { state = .unquoted }
        case .carriageReturnAfterQuote:
            if byte == comma { state = .fieldStart } else if byte != lineFeed { state = .unquoted }
        }
        return byte == lineFeed
    }

    private func advance(blocking: Bool) throws(InputError) -> ReadResult {
        if hasRecord {
            hasRecord = false
            spanCount = 0
            recordFieldCount = 0
        }
        while true {
            if !bomChecked {
                if filled - recordStart >= 3 || sourceEnded {
                    skipByteOrderMark()
                } else {
                    if !blocking && !source.isReadable { return .wouldBlock }
                    try fill()
                    continue
                }
            }
            var end = try scan()
            if end == nil && sourceEnded {
                if state == .fieldStart && spanCount == 0 {
                    return .endOfInput
                }
                end = try finishAtEndOfInput()
            }
            guard let end else {
                // A `\r` at the end may be half of a CRLF, which the limit does not count.
                let halfCRLF = filled > recordStart && buffer[filled - 1] == UInt8(ascii: "\r")
                let pending = filled - recordStart - (halfCRLF ? 1 : 0)
                if pending > maxLineLength {
                    throw .lineTooLong(line: nextLine, limit: maxLineLength)
                }
                if !blocking && !source.isReadable { return .wouldBlock }
                try fill()
                continue
            }
            if completeRecord(endingAt: end) { return .record }
        }
    }

    /// Ends the parsed record at `end` (just past its terminator); false when it was a blank line.
    private func completeRecord(endingAt end: Int) -> Bool {
        let startLine = nextLine
        nextLine += 1 + embeddedNewlines
        let blank = spanCount == 1 && spans[0].flags == 0 && spans[0].start == spans[0].end
        currentStart = recordStart
        recordStart = end
        scanPosition = end
        state = .fieldStart
        embeddedNewlines = 0
        fieldNeedsUnescape = false
        if blank {
            spanCount = 0
            return false
        }
        lineNumber = startLine
        recordFieldCount = spanCount
        hasRecord = true
        return true
    }

    private func skipByteOrderMark() {
        bomChecked = true
        guard filled - recordStart >= 3 else { return }
        if buffer[recordStart] == 0xEF && buffer[recordStart + 1] == 0xBB && buffer[recordStart + 2] == 0xBF {
            recordStart += 3
            scanPosition = recordStart
        }
    }

    /// Reads more input behind the record being parsed, first moving that record to the front
    /// of the buffer or growing the buffer when fewer than ``readChunkSize`` bytes are free.
    private func fill() throws(InputError) {
        if bufferCapacity - filled < readChunkSize && recordStart > 0 {
            let pending = filled - recordStart
            // Source and destination overlap when the pending record is longer than its offset.
            memmove(buffer, buffer + recordStart, pending)
            scanPosition -= recordStart
            filled = pending
            recordStart = 0
        }
        // One byte over the limit: a pending record may end in the `\r` of a CRLF.
        let limit = maxLineLength + 1 + readChunkSize
        if bufferCapacity - filled < readChunkSize && bufferCapacity < limit {
            // Only records longer than the buffer get here; the caller checked the record is at
            // most maxLineLength, so the buffer stays within the limit.
            let grown = min(limit, max(2 * bufferCapacity, filled + readChunkSize))
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            bigger.initialize(from: buffer, count: filled)
            buffer.deallocate()
            buffer = bigger
            bufferCapacity = grown
        }
        let count = min(readChunkSize, bufferCapacity - filled)
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: count))
        if n == 0 {
            sourceEnded = true
        } else {
            filled += n
        }
    }
}
