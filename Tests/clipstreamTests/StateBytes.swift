/// A state file's bytes, edited in place by tests that craft damaged or older states.
struct StateBytes {
    var bytes: [UInt8]

    /// The little-endian `UInt32` at `offset`.
    func uint32(at offset: Int) -> Int {
        Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
    }

    /// Writes `value` little-endian at `offset`.
    mutating func setUInt32(_ value: UInt32, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { for i in 0..<4 { bytes[offset + i] = $0[i] } }
    }

    /// Writes `value` little-endian at `offset` (a key's `Float64` scalars).
    mutating func setFloat64(_ value: Double, at offset: Int) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { for i in 0..<8 { bytes[offset + i] = $0[i] } }
    }

    /// Offset of the settings text's length (after the magic and the version).
    static let settingsOffset = 12

    /// The settings text (`name=value` lines).
    var settings: String {
        let length = uint32(at: Self.settingsOffset)
        return String(decoding: bytes[Self.settingsOffset + 4..<Self.settingsOffset + 4 + length], as: UTF8.self)
    }

    /// Replaces the settings text (its length too) and reseals the checksum.
    mutating func replaceSettings(with text: String) {
        let start = Self.settingsOffset + 4
        bytes.replaceSubrange(start..<start + uint32(at: Self.settingsOffset), with: Array(text.utf8))
        setUInt32(UInt32(text.utf8.count), at: Self.settingsOffset)
        resealChecksum()
    }

    /// Offset of the metadata's length (a checkpoint's position, as JSON): after the settings.
    var metadataOffset: Int { Self.settingsOffset + 4 + uint32(at: Self.settingsOffset) }

    /// The metadata bytes.
    var metadata: [UInt8] {
        Array(bytes[metadataOffset + 4..<metadataOffset + 4 + uint32(at: metadataOffset)])
    }

    /// Replaces the metadata (its length too) and reseals the checksum.
    mutating func replaceMetadata(with new: [UInt8]) {
        let start = metadataOffset + 4
        bytes.replaceSubrange(start..<start + uint32(at: metadataOffset), with: new)
        setUInt32(UInt32(new.count), at: metadataOffset)
        resealChecksum()
    }

    /// Offset of the values-per-key count: after the settings and the metadata, whose lengths
    /// are read from the file.
    var valuesPerKeyOffset: Int {
        var offset = Self.settingsOffset
        offset += 4 + uint32(at: offset)  // settings
        offset += 4 + uint32(at: offset)  // metadata
        return offset
    }

    /// Offset of the first key's scalars (its row count first): after the key count and the
    /// key's name.
    var firstKeyScalarsOffset: Int {
        let name = valuesPerKeyOffset + 4 + 8
        return name + 4 + uint32(at: name)
    }

    /// Replaces the trailing CRC-32 by the checksum of everything before it.
    mutating func resealChecksum() {
        bytes.removeLast(4)
        var crc = UInt32(0xFFFF_FFFF)
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        withUnsafeBytes(of: (~crc).littleEndian) { bytes += $0 }
    }
}
