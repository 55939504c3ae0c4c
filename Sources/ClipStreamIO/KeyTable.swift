#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys found by their UTF-8 bytes: a row's key field is looked up without making a `String`
/// of it (a key over 15 bytes was one allocation per row) and without a `Dictionary` keyed by
/// name (~13% of a narrow CSV run's instructions).
///
/// Open addressing with linear probing over a power-of-two array, at most half full, compared
/// against the keys' own `String`s (which the engine shares: the bytes are not held twice).
/// Hashes come from the standard library's per-process seeded `Hasher`, so crafted keys cannot
/// lengthen the probes at will; entries are numbered in insertion order, so nothing that uses
/// the numbers depends on the seed.
struct KeyTable {
    /// Per probe position: 0 when empty, else the entry's number + 1.
    private var positions: [Int32] = Array(repeating: 0, count: 16)
    /// The keys, by entry number.
    private(set) var names: [String] = []
    /// Each entry's hash: compared before the bytes, and reused when the table grows.
    private var hashes: [Int] = []

    /// Number of keys inserted.
    var count: Int { names.count }

    /// The hash ``find(_:hash:)`` and ``insert(_:hash:)`` take.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// The entry whose key has the UTF-8 bytes `bytes` (of hash `hash`), or nil.
    /// - Complexity: O(`bytes.count`) expected.
    func find(_ bytes: UnsafeRawBufferPointer, hash: Int) -> Int? {
        let mask = positions.count - 1
        var position = hash & mask
        while true {
            let stored = Int(positions[position])
            if stored == 0 { return nil }
            let e = stored - 1
            if hashes[e] == hash && Self.bytes(of: names[e], equal: bytes) { return e }
            position = (position + 1) & mask
        }
    }

    /// Adds `name` (not in the table; `hash` is its bytes' ``hash(_:)``) and returns its entry.
    /// - Complexity: amortized O(1).
    mutating func insert(_ name: String, hash: Int) -> Int {
        let e = count
        precondition(e < Int(Int32.max) - 1, "more keys than a key table holds")
        names.append(name)
        hashes.append(hash)
        if 2 * count > positions.count {
            grow()
        } else {
            place(e, in: &positions)
        }
        return e
    }

    private static func bytes(of name: String, equal bytes: UnsafeRawBufferPointer) -> Bool {
        guard name.utf8.count == bytes.count else { return false }
        // Native strings are contiguous UTF-8 (small ones are copied out first).
        return name.utf8.withContiguousStorageIfAvailable { stored in
            bytes.isEmpty || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0
        } ?? name.utf8.elementsEqual(bytes)
    }

    private func place(_ e: Int, in positions: inout [Int32]) {
        let mask = positions.count - 1
        var position = hashes[e] & mask
        while positions[position] != 0 { position = (position + 1) & mask }
        positions[position] = Int32(e + 1)
    }

    /// Doubles the probe array and places every entry again by its stored hash.
    private mutating func grow() {
        var larger = [Int32](repeating: 0, count: positions.count * 2)
        for e in 0..<count { place(e, in: &larger) }
        positions = larger
    }
}
