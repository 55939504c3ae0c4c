/// One of `count` disjoint key partitions: a key belongs to partition
/// `ShardRouter.stableHash(key) % count` (64-bit FNV-1a of its UTF-8 bytes, `Docs/formats.md`),
/// the same in every process, so partitions run on separate processes or machines and their
/// outputs, merged by row number, equal one run over all keys.
public struct KeyPartition: Sendable, Equatable, CustomStringConvertible {
    /// This partition, in `0..<count`.
    public let index: Int
    /// Number of partitions.
    public let count: Int

    /// Partition `index` of `count`; nil unless `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`, e.g. `2/8`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: i, count: n)
    }

    /// Whether `key` belongs to this partition.
    public func contains(_ key: String) -> Bool {
        Self.index(of: key, count: count) == index
    }

    /// Whether the key whose UTF-8 bytes are `bytes` belongs to this partition.
    public func contains(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        Int(ShardRouter.stableHash(utf8: bytes) % UInt64(count)) == index
    }

    /// The partition of `count` that holds `key`.
    public static func index(of key: String, count: Int) -> Int {
        Int(ShardRouter.stableHash(key) % UInt64(count))
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}
