import CZlib

/// CRC-32 (zlib's, the polynomial of gzip and PNG).
public enum Checksum {
    /// The CRC-32 of `bytes`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let start = CZlib.crc32(0, nil, 0)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return UInt32(truncatingIfNeeded: start) }
        return UInt32(truncatingIfNeeded: CZlib.crc32(start, base.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count)))
    }
}
