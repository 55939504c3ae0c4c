import ClipStreamIO

/// Bytes in memory as a ``ByteSource``, handed out in small pieces so that records straddle
/// reads (the reader's resumable paths get exercised).
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private let piece: Int

    public init(_ bytes: [UInt8], piece: Int = 7) {
        self.bytes = bytes
        self.piece = max(1, piece)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, piece, bytes.count - position)
        if n > 0 {
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
        }
        position += n
        return n
    }

    public var isReadable: Bool { true }
    public var bytesConsumed: Int { position }
}
