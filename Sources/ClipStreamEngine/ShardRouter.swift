/// Where a key's estimator lives: its shard and its dense slot within that shard.
public struct KeyHandle: Sendable, Hashable {
    /// Shard index in `0..<shardCount`.
    public var shard: Int32
    /// Slot in the shard's bank.
    public var slot: Int32

    /// A handle to slot `slot` of shard `shard`.
    public init(shard: Int32, slot: Int32) {
        self.shard = shard
        self.slot = slot
    }
}

/// Maps key names to handles, creating keys on first sight, and assigns each key a shard by a
/// stable hash of its UTF-8 bytes.
///
/// The hash is 64-bit FNV-1a, documented in `Docs/formats.md`, so any process computes the same
/// shard (and partition) for a key. A dictionary lookup happens here, once per row, outside
/// the numeric kernels.
public struct ShardRouter: Sendable {
    /// Number of shards keys are spread over.
    public let shardCount: Int
    private var handles: [ByteKey: KeyHandle] = [:]
    /// Key names per shard, indexed by slot.
    public private(set) var names: [[String]]

    /// A router over `shardCount` shards.
    public init(shardCount: Int) {
        precondition(shardCount >= 1)
        self.shardCount = shardCount
        names = Array(repeating: [], count: shardCount)
    }

    /// Number of keys seen.
    public var keyCount: Int { handles.count }

    /// The handle of `key`, or nil when unseen.
    public func existingHandle(for key: String) -> KeyHandle? { handles[ByteKey(key)] }

    /// The handle of `key`, creating it on first sight; `created` tells whether it is new.
    /// - Complexity: one hash-table lookup; O(key length) hashing for a new key.
    public mutating func handle(for key: String) -> (handle: KeyHandle, created: Bool) {
        let byteKey = ByteKey(key)
        if let known = handles[byteKey] { return (known, false) }
        let shard = Self.shard(of: key, shardCount: shardCount)
        let handle = KeyHandle(shard: Int32(shard), slot: Int32(names[shard].count))
        names[shard].append(key)
        handles[byteKey] = handle
        return (handle, true)
    }

    /// The name of the key behind `handle`.
    public func name(of handle: KeyHandle) -> String { names[Int(handle.shard)][Int(handle.slot)] }

    /// Creates `key` (unseen) in `slot` of its shard, a slot freed by ``remove(_:)``.
    mutating func create(_ key: String, inFreedSlot slot: Int32) -> KeyHandle {
        let handle = KeyHandle(shard: Int32(Self.shard(of: key, shardCount: shardCount)), slot: slot)
        names[Int(handle.shard)][Int(slot)] = key
        handles[ByteKey(key)] = handle
        return handle
    }

    /// Forgets the key behind `handle`; its slot holds an empty name until reused.
    mutating func remove(_ handle: KeyHandle) {
        handles[ByteKey(name(of: handle))] = nil
        names[Int(handle.shard)][Int(handle.slot)] = ""
    }

    /// 64-bit FNV-1a hash of the key's UTF-8 bytes.
    public static func stableHash(_ key: String) -> UInt64 {
        stableHash(utf8: key.utf8)
    }

    /// ``stableHash(_:)`` of the key whose UTF-8 bytes are `bytes`.
    public static func stableHash(utf8 bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The shard of `key` among `shardCount`: `stableHash(key) % shardCount`.
    public static func shard(of key: String, shardCount: Int) -> Int {
        Int(stableHash(key) % UInt64(shardCount))
    }
}

/// A key compared and hashed by its UTF-8 bytes.
///
/// `String` equality is Unicode canonical equivalence: a precomposed "é" equals "e" plus a
/// combining accent. Two sources whose names differ in bytes must keep separate models, and the
/// byte hash that assigns shards and partitions must agree with key identity.
/// Every table of keys that decides which rows share a model (an archive's key ids, the
/// `--max-keys` admissions) uses it too.
public struct ByteKey: Hashable, Sendable {
    /// The key.
    public let string: String

    /// Wraps `string`.
    public init(_ string: String) { self.string = string }

    public static func == (a: ByteKey, b: ByteKey) -> Bool {
        a.string.utf8.elementsEqual(b.string.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
