#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys found by their bytes: a row's key field is looked up without making a `String` of it
/// (a key over 15 bytes was one allocation per row) and without a `Dictionary` keyed by name
/// (~13% of a narrow CSV run's instructions).
///
/// Open addressing with linear probing over a power-of-two array, at most half full; the keys'
/// bytes live in one arena. Hashes come from the standard library's per-process seeded
/// `Hasher`, so crafted keys cannot lengthen the probes at will; entries are numbered in the
/// order keys are first inserted, so nothing that uses the numbers depends on the seed.
struct KeyTable {
    /// Per probe position: 0 when empty, else the entry's number + 1.
    private var positions: [Int32] = Array(repeating: 0, count: 16)
    /// Entry `e`'s bytes are `arena[starts[e] ..< starts[e + 1]]`.
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    /// Each entry's hash: compared before the bytes, and reused when the table grows.
    private var hashes: [Int] = []

    /// Number of keys inserted.
    var count: Int { hashes.count }

    /// The entry of `bytes`, inserting them first when they are new.
    /// - Complexity: O(`bytes.count`) expected; amortized over the growth of the arrays.
    mutating func entry(for bytes: UnsafeRawBufferPointer) -> (entry: Int, isNew: Bool) {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        let hash = hasher.finalize()
        let mask = positions.count - 1
        var position = hash & mask
        while true {
            let stored = Int(positions[position])
            if stored == 0 { break }
            let e = stored - 1
            if hashes[e] == hash && equals(e, bytes) { return (e, false) }
            position = (position + 1) & mask
        }
        let e = count
        precondition(e < Int(Int32.max) - 1, "more keys than a key table holds")
        positions[position] = Int32(e + 1)
        hashes.append(hash)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        if 2 * count > positions.count { grow() }
        return (e, true)
    }

    /// Entry `e`'s bytes.
    func withBytes<R>(of e: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[starts[e] ..< starts[e + 1]])) }
    }

    private func equals(_ e: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[e]
        guard starts[e + 1] - start == bytes.count else { return false }
        return arena.withUnsafeBytes { arena in
            bytes.isEmpty || memcmp(arena.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    /// Doubles the probe array and places every entry again by its stored hash.
    private mutating func grow() {
        var larger = [Int32](repeating: 0, count: positions.count * 2)
        let mask = larger.count - 1
        for (e, hash) in hashes.enumerated() {
            var position = hash & mask
            while larger[position] != 0 { position = (position + 1) & mask }
            larger[position] = Int32(e + 1)
        }
        positions = larger
    }
}
