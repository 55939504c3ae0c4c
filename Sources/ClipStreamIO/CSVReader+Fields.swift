extension CSVReader {
    /// Calls `body` with the raw bytes of field `i` of the current record.
    ///
    /// Quotes around a quoted field are removed and `""` becomes `"`. The bytes point into the
    /// reader's buffer (or, for a field with `""`, a reusable scratch buffer) and must not escape
    /// `body`.
    /// - Parameters:
    ///   - i: The field index, `0 ..< fieldCount` (checked with a precondition).
    ///   - body: Reads the bytes.
    /// - Returns: What `body` returns.
    /// - Complexity: O(1), or O(field length) for a field with `""`; no allocation in steady state.
    @inline(__always)
    public func withField<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(i >= 0 && i < recordFieldCount, "field index out of range")
        let span = spans[i]
        let start = buffer + currentStart + span.start
        let count = span.end - span.start
        if span.flags & FieldSpan.needsUnescape != 0 {
            return try body(unescapedCopy(start, count: count))
        }
        return try body(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// Reads the first record as the header: every field's name.
    /// - Throws: ``InputError/emptyInput`` when there is no record, ``InputError/invalidUTF8``
    ///   for a name that is not UTF-8.
    public func readHeader() throws(InputError) -> [String] {
        guard try next(blocking: true) == .record else { throw .emptyInput }
        var header: [String] = []
        for i in 0..<fieldCount {
            // A CR inside an unquoted name ends lines that were read as one, if what comes
            // before it is text: after it come data rows, whose time or label values need not
            // be UTF-8. Binary data (a file gzipped twice) holds CRs too, and is not text.
            let endsLines = !isQuoted(i) && withField(i) { bytes in
                bytes.firstIndex(of: UInt8(ascii: "\r")).map { String(validating: bytes[..<$0], as: UTF8.self) != nil } ?? false
            }
            if endsLines { throw .carriageReturnLineEnds(line: lineNumber) }
            guard let name = string(at: i) else { throw .invalidUTF8(line: lineNumber, column: "#\(i + 1)") }
            header.append(name)
        }
        return header
    }

    /// Field `i` of the current record as a `String`.
    /// - Parameter i: The field index, `0 ..< fieldCount`.
    /// - Returns: The text, or nil when it is not valid UTF-8.
    /// - Complexity: O(field length); allocates for text over 15 bytes. Meant for keys and echoed
    ///   columns, not numeric fields (use ``float(at:)``).
    public func string(at i: Int) -> String? {
        withField(i) { bytes in
            // ASCII is valid UTF-8 as it is: decoded without the standard library's generic
            // validation, which cost ~9% of a narrow CSV run's instructions (a key per row).
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return String(validating: bytes, as: UTF8.self)
        }
    }

    /// Field `i` of the current record parsed with ``FloatParser/parse(_:)``.
    /// - Parameter i: The field index, `0 ..< fieldCount`.
    /// - Returns: The value, or why there is none.
    /// - Complexity: O(field length); no allocation.
    public func float(at i: Int) -> FloatParser.Result {
        withField(i) { FloatParser.parse($0) }
    }

    /// Whether field `i` of the current record was quoted in the input (`""` is an empty quoted field).
    /// - Parameter i: The field index, `0 ..< fieldCount`.
    public func isQuoted(_ i: Int) -> Bool {
        precondition(i >= 0 && i < recordFieldCount, "field index out of range")
        return spans[i].flags & FieldSpan.quoted != 0
    }

    /// Copies a quoted field's content into `scratch`, keeping one quote of each `""`.
    private func unescapedCopy(_ start: UnsafeMutablePointer<UInt8>, count: Int) -> UnsafeRawBufferPointer {
        if scratchCapacity < count {
            // Grows to the longest escaped field seen (at most maxLineLength), then is reused.
            scratch?.deallocate()
            scratch = .allocate(capacity: count)
            scratchCapacity = count
        }
        guard let scratch else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let out = scratch
        var read = 0
        var written = 0
        while read < count {
            let byte = start[read]
            out[written] = byte
            written += 1
            // Inside a quoted field every `"` is the first of a `""` pair: the scanner ended the
            // field at any other quote.
            read += byte == UInt8(ascii: "\"") ? 2 : 1
        }
        return UnsafeRawBufferPointer(start: scratch, count: written)
    }
}
