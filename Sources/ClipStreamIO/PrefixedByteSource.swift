/// A ``ByteSource`` that first returns a few bytes already read (the peeked magic number), then
/// reads on from the wrapped source.
///
/// Peeking by seeking back would fail on pipes and stdin; keeping the bytes works for every input.
final class PrefixedByteSource: ByteSource {
    let wrapped: ByteSource
    private var prefix: [UInt8]
    private var prefixOffset = 0

    init(prefix: [UInt8], wrapping wrapped: ByteSource) {
        self.prefix = prefix
        self.wrapped = wrapped
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard prefixOffset < prefix.count else { return try wrapped.read(into: buffer) }
        // Returning only the prefix keeps the call from blocking on the wrapped source while
        // bytes are already in hand.
        let n = min(buffer.count, prefix.count - prefixOffset)
        for k in 0..<n { buffer[k] = prefix[prefixOffset + k] }
        prefixOffset += n
        if prefixOffset == prefix.count { prefix = [] }
        return n
    }

    /// Whether every prefix byte has been returned.
    var prefixConsumed: Bool { prefixOffset >= prefix.count }

    var isReadable: Bool { prefixOffset < prefix.count || wrapped.isReadable }

    var bytesConsumed: Int { wrapped.bytesConsumed }
}
