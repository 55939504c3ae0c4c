/// Where the parser is inside the record being scanned.
enum ParseState: UInt8 {
    /// At the first byte of a field.
    case fieldStart
    /// Inside an unquoted field.
    case unquoted
    /// Inside a quoted field.
    case quoted
    /// Just after a `"` inside a quoted field: either the closing quote or the first of `""`.
    case quoteInQuoted
    /// After a closing quote and a `\r`; only `\n` may follow.
    case carriageReturnAfterQuote
}

/// One field of the current record: byte offsets relative to the record's start.
struct FieldSpan {
    /// ``quoted`` and ``needsUnescape``.
    static let quoted: UInt8 = 1
    static let needsUnescape: UInt8 = 2

    var start: Int
    var end: Int
    var flags: UInt8
}

private let comma = UInt8(ascii: ",")
private let quote = UInt8(ascii: "\"")
private let lineFeed = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")

extension CSVReader {
    /// Scans from `scanPosition` to the end of the buffered bytes.
    ///
    /// The state lives in locals during the loop and is written back once: class properties read
    /// in the loop would each pay a dynamic exclusivity check.
    /// - Returns: The offset just past the record's `\n` when the record is complete, else nil
    ///   (the state is saved and scanning resumes there after the next read).
    func scan() throws(InputError) -> Int? {
        let p = buffer
        let end = filled
        let base = recordStart
        var i = scanPosition
        var state = self.state
        var begin = base + fieldBegin
        var closing = base + closingQuote
        var unescape = fieldNeedsUnescape
        var newlines = embeddedNewlines

        defer {
            self.state = state
            fieldBegin = begin - base
            closingQuote = closing - base
            fieldNeedsUnescape = unescape
            embeddedNewlines = newlines
        }
        while i < end {
            switch state {
            case .fieldStart:
                if p[i] == quote {
                    state = .quoted
                    quoteNewlines = newlines
                    i += 1
                    begin = i
                    continue
                }
                begin = i
                state = .unquoted
                fallthrough
            case .unquoted:
                // The hot loop for numeric CSV: only `,` and `\n` end an unquoted field.
                i = Self.delimiterIndex(p, from: i, end: end)
                if i == end { break }
                var fieldEnd = i
                if p[i] == comma {
                    appendField(start: begin - base, end: fieldEnd - base, flags: 0)
                    state = .fieldStart
                    i += 1
                    begin = i
                    continue
                }
                if fieldEnd > begin && p[fieldEnd - 1] == carriageReturn { fieldEnd -= 1 }
                appendField(start: begin - base, end: fieldEnd - base, flags: 0)
                scanPosition = i + 1
                return try checkedLength(terminatorAt: i)
            case .quoted:
                while i < end && p[i] != quote {
                    if p[i] == lineFeed { newlines += 1 }
                    i += 1
                }
                if i == end { break }
                closing = i
                i += 1
                state = .quoteInQuoted
            case .quoteInQuoted:
                let c = p[i]
                if c == quote {
                    unescape = true
                    state = .quoted
                    i += 1
                } else if c == comma || c == lineFeed {
                    appendQuotedField(start: begin - base, end: closing - base, unescape: unescape)
                    unescape = false
                    state = .fieldStart
                    i += 1
                    if c == lineFeed {
                        scanPosition = i
                        return try checkedLength(terminatorAt: i - 1)
                    }
                    begin = i
                } else if c == carriageReturn {
                    state = .carriageReturnAfterQuote
                    i += 1
                } else {
                    scanPosition = i
                    throw .malformedQuote(line: nextLine + newlines)
                }
            case .carriageReturnAfterQuote:
                guard p[i] == lineFeed else {
                    scanPosition = i
                    throw .malformedQuote(line: nextLine + newlines)
                }
                appendQuotedField(start: begin - base, end: closing - base, unescape: unescape)
                unescape = false
                state = .fieldStart
                i += 1
                scanPosition = i
                return try checkedLength(terminatorAt: i - 1)
            }
        }
        scanPosition = i
        return nil
    }

    /// Ends the last record at end of input when it has no line terminator.
    /// - Returns: `filled`, the record's end.
    func finishAtEndOfInput() throws(InputError) -> Int {
        switch state {
        case .fieldStart:
            // "a," at end of input: the record ends with an empty field.
            appendField(start: filled - recordStart, end: filled - recordStart, flags: 0)
        case .unquoted:
            var fieldEnd = filled
            if fieldEnd > recordStart + fieldBegin && buffer[fieldEnd - 1] == carriageReturn { fieldEnd -= 1 }
            appendField(start: fieldBegin, end: fieldEnd - recordStart, flags: 0)
        case .quoted:
            throw .unterminatedQuote(line: nextLine + quoteNewlines)
        case .quoteInQuoted, .carriageReturnAfterQuote:
            appendQuotedField(start: fieldBegin, end: closingQuote, unescape: fieldNeedsUnescape)
        }
        state = .fieldStart
        fieldNeedsUnescape = false
        scanPosition = filled
        return try checkedLength(terminatorAt: filled)
    }

    /// The index of the first `,` or `\n` in `p[from..<end]`, or `end`.
    ///
    /// Eight bytes at a time (SWAR): a byte-at-a-time loop took about half of the reader's time on
    /// numeric CSV, mostly in mispredicted exits. Unaligned 8-byte loads stay inside `p[..<end]`.
    @inline(__always)
    static func delimiterIndex(_ p: UnsafeMutablePointer<UInt8>, from: Int, end: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(p)
        var i = from
        while end - i >= 8 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let commas = word ^ (ones &* UInt64(comma))
            let newlines = word ^ (ones &* UInt64(lineFeed))
            // A byte of `x` is zero exactly where the lowest set high bit of
            // (x - ones) & ~x & highs is; bits above it may be false positives, and only the
            // lowest one is used.
            let found = ((commas &- ones) & ~commas | (newlines &- ones) & ~newlines) & highs
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end && p[i] != comma && p[i] != lineFeed { i += 1 }
        return i
    }

    /// Throws when the record ending at `terminator` (exclusive) is over the limit.
    /// - Returns: The offset just past the terminator.
    private func checkedLength(terminatorAt terminator: Int) throws(InputError) -> Int {
        // The limit counts the record without its terminator, CRLF's `\r` included.
        let length = terminator - recordStart
        let content = length > 0 && buffer[terminator - 1] == carriageReturn ? length - 1 : length
        if content > maxLineLength {
            badRecordEnd = min(terminator + 1, filled)
            throw .lineTooLong(line: nextLine, limit: maxLineLength)
        }
        return min(terminator + 1, filled)
    }

    @inline(__always)
    private func appendQuotedField(start: Int, end: Int, unescape: Bool) {
        appendField(start: start, end: end, flags: FieldSpan.quoted | (unescape ? FieldSpan.needsUnescape : 0))
    }

    @inline(__always)
    func appendField(start: Int, end: Int, flags: UInt8) {
        if spanCount == spanCapacity { growSpans() }
        spans[spanCount] = FieldSpan(start: start, end: end, flags: flags)
        spanCount += 1
    }

    /// Doubles the field table. A record of n bytes has at most n + 1 fields, so the table stays
    /// within (maxLineLength + 1) entries.
    private func growSpans() {
        let grown = spanCapacity * 2
        let bigger = UnsafeMutablePointer<FieldSpan>.allocate(capacity: grown)
        bigger.initialize(from: spans, count: spanCount)
        spans.deallocate()
        spans = bigger
        spanCapacity = grown
    }
}
