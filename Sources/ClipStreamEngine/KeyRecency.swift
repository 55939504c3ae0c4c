/// Keys in the order they were last seen, for least-recently-seen eviction: a doubly linked
/// list threaded through per-shard arrays indexed by slot, so touching a key is O(1) array work.
struct KeyRecency {
    private struct Link {
        var previous = KeyRecency.none
        var next = KeyRecency.none
    }

    private static let none = KeyHandle(shard: -1, slot: -1)
    private var links: [[Link]]
    private var head = KeyRecency.none
    private var tail = KeyRecency.none

    init(shardCount: Int) {
        links = Array(repeating: [], count: shardCount)
    }

    /// The least recently seen key, if any.
    var oldest: KeyHandle? { head.shard < 0 ? nil : head }

    /// Adds a new key as the most recently seen.
    mutating func insert(_ handle: KeyHandle) {
        let s = Int(handle.shard)
        while links[s].count <= Int(handle.slot) { links[s].append(Link()) }
        links[s][Int(handle.slot)] = Link(previous: tail, next: Self.none)
        if tail.shard >= 0 { links[Int(tail.shard)][Int(tail.slot)].next = handle } else { head = handle }
        tail = handle
    }

    /// Marks a key as just seen.
    mutating func touch(_ handle: KeyHandle) {
        guard handle != tail else { return }
        remove(handle)
        insert(handle)
    }

    /// Takes a key out of the order.
    mutating func remove(_ handle: KeyHandle) {
        let link = links[Int(handle.shard)][Int(handle.slot)]
        if link.previous.shard >= 0 {
            links[Int(link.previous.shard)][Int(link.previous.slot)].next = link.next
        } else {
            head = link.next
        }
        if link.next.shard >= 0 {
            links[Int(link.next.shard)][Int(link.next.slot)].previous = link.previous
        } else {
            tail = link.previous
        }
    }
}
