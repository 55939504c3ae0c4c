/// The archive reader's input buffer: the bytes of the item being read (the header, a block,
/// the end block) stay contiguous from the item's start, so its CRC-32 is one call over them
/// and its columns are decoded in place, straight from the bytes `read(2)` delivered.
///
/// One buffer, allocated once and grown to the largest item (plus one read's worth): no copy
/// from a read chunk into a record, no fresh pages per block. A struct whose methods are
/// `mutating`, so the per-field cursor updates are statically exclusive (the earlier class
/// properties paid a dynamic exclusivity check on every field).
struct ArchiveByteWindow {
    private let source: ByteSource
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// Archive offset of `storage[0]`.
    private var base = 0
    /// Start of the current item in `storage`.
    private var itemStart = 0
    /// The next byte to take.
    private var position = 0
    /// End of the bytes read so far.
    private var end = 0
    /// Rows handed out before the current item (named by truncation errors).
    var rowsBefore = 0
    /// Threads that read a large item's bytes at once (``PositionalByteSource``); 1: `read(2)`.
    var readers = 1

    /// Reads smaller than this leave a buffer that is grown first (a few large reads per block,
    /// not one per field).
    private static let minimumRead = 1 << 16

    init(source: ByteSource) {
        self.source = source
        capacity = 1 << 20
        storage = .allocate(byteCount: capacity, alignment: 64)
    }

    /// Frees the buffer; the window is unusable afterwards (the owning reader's `deinit`).
    func deallocate() { storage.deallocate() }

    /// Archive offset of the next byte to take.
    var offset: Int { base + position }
    /// Archive offset where the current item starts.
    var itemOffset: Int { base + itemStart }
    /// The current item's bytes taken so far (what its checksum covers); valid until the next
    /// `take`.
    var itemBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + itemStart, count: position - itemStart)
    }

    /// Bytes of the current item taken so far (the item-relative offset of the next byte).
    var itemPosition: Int { position - itemStart }

    /// Starts a new item at the next byte.
    mutating func begin() { itemStart = position }

    /// The bytes read and not yet taken (valid until the next `take`): a caller parses the
    /// fields wholly inside them in one loop, then takes what it used with ``skip(_:)``.
    var buffered: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + position, count: end - position) }

    /// Takes `n` of the ``buffered`` bytes.
    mutating func skip(_ n: Int) {
        precondition(n <= end - position)
        position += n
    }

    /// The next `n` bytes of the current item, valid until the next `take` (which may move the
    /// buffer).
    /// - Throws: ``ArchiveError/truncated(offset:rowsBefore:)`` (naming the item's offset) when
    ///   the input ends first.
    mutating func take(_ n: Int) throws(ArchiveError) -> UnsafeRawPointer {
        if end - position < n { try fill(n) }
        let start = storage + position
        position += n
        return UnsafeRawPointer(start)
    }

    mutating func uint32() throws(ArchiveError) -> UInt32 {
        UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self))
    }

    mutating func uint64() throws(ArchiveError) -> UInt64 {
        UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self))
    }

    /// Whether any byte follows the bytes taken (reads one more when none is buffered).
    mutating func hasMore() throws(ArchiveError) -> Bool {
        if end > position { return true }
        makeRoom(1)
        return try read(atMost: Self.minimumRead) > 0
    }

    /// Reads until `n` bytes follow `position`, growing the buffer by at most ``stageBytes``
    /// of missing bytes at a time: a damaged or crafted count (a block of 65,536 rows of
    /// 65,536 values claims 16 GiB) meets the input's end before its memory is allocated (it
    /// was allocated up front, and the reader aborted).
    private mutating func fill(_ n: Int) throws(ArchiveError) {
        while end - position < n {
            let stage = min(n, end - position + Self.stageBytes)
            makeRoom(stage)
            if readers > 1, let positional = source as? any PositionalByteSource {
                // Exactly the bytes missing (what follows is read as before, one small read on).
                let missing = stage - (end - position)
                end += positional.readConcurrently(
                    into: UnsafeMutableRawBufferPointer(start: storage + end, count: missing), workers: readers)
            }
            while end - position < stage {
                // At most a small read past the item's bytes: what is read beyond them is moved to
                // the buffer's front at the next item (a 16 MB read ahead moved 16 MB per block).
                let wanted = max(stage - (end - position), Self.minimumRead)
                guard try read(atMost: wanted) > 0 else { throw .truncated(offset: itemOffset, rowsBefore: rowsBefore) }
            }
        }
    }

    /// The most missing bytes one stage of ``fill(_:)`` allocates for.
    private static let stageBytes = 1 << 26

    /// Drops the bytes before the current item and grows the buffer so that the item's bytes,
    /// `n` more and a large read fit.
    private mutating func makeRoom(_ n: Int) {
        if itemStart > 0 && capacity - end < max(n, Self.minimumRead) {
            let kept = end - itemStart
            if kept > 0 { storage.copyMemory(from: storage + itemStart, byteCount: kept) }
            base += itemStart
            position -= itemStart
            end -= itemStart
            itemStart = 0
        }
        let needed = position + n + Self.minimumRead
        if needed > capacity {
            var grown = capacity
            while grown < needed { grown *= 2 }
            let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 64)
            if end > 0 { larger.copyMemory(from: storage, byteCount: end) }
            storage.deallocate()
            storage = larger
            capacity = grown
        }
    }

    /// One read of at most `limit` bytes into the free space; the bytes read (0 at the end of
    /// the input).
    private mutating func read(atMost limit: Int) throws(ArchiveError) -> Int {
        let free = UnsafeMutableRawBufferPointer(start: storage + end, count: min(limit, capacity - end))
        let got: Int
        do {
            got = try source.read(into: free)
        } catch {
            throw .io(reason: error.description)
        }
        end += got
        return got
    }
}
