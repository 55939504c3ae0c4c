import ClipStreamEngine
@testable import ClipStreamIO
import Testing

/// The reader thread's key table: keys found by their bytes, numbered in insertion order.
@Suite("Key table and CSV key ids")
struct KeyTableTests {
    static func find(_ table: KeyTable, _ key: String) -> Int? {
        Array(key.utf8).withUnsafeBytes { table.find($0, hash: KeyTable.hash($0)) }
    }

    static func insert(_ table: inout KeyTable, _ key: String) -> Int {
        let hash = Array(key.utf8).withUnsafeBytes { KeyTable.hash($0) }
        return table.insert(key, hash: hash)
    }

    /// 60,000 keys (prefixes of one another, small and large strings, non-ASCII, one of 5,000
    /// bytes; the table grows 12 times) are numbered in insertion order and found again as
    /// themselves; keys never inserted are not found.
    @Test func everyKeyIsFoundAgainUnderItsOwnNumber() {
        var keys = ["a", "ab", "ba", "é", "e\u{301}", String(repeating: "x", count: 5000), String(repeating: "x", count: 4999)]
        for i in 0..<60_000 - keys.count { keys.append("host-\(i)" + String(repeating: "-", count: i % 40)) }
        var table = KeyTable()
        for (i, key) in keys.enumerated() {
            #expect(Self.find(table, key) == nil, "key \(i) before its insertion")
            #expect(Self.insert(&table, key) == i)
        }
        #expect(table.count == keys.count)
        for (i, key) in keys.enumerated().reversed() {
            #expect(Self.find(table, key) == i, "key \(i)")
        }
        for absent in ["", "b", "abc", "host-", "host-60000", String(repeating: "x", count: 5001)] {
            #expect(Self.find(table, absent) == nil, "\(absent.prefix(10))")
        }
        #expect(table.names == keys)
    }

    /// A key is new until its row is good and it is introduced; keys of another partition are
    /// foreign and never kept; bytes that are not UTF-8 are an error whatever their partition.
    @Test func keysAreKeptOnlyWhenIntroduced() throws {
        let partition = try #require(KeyPartition(index: 0, count: 2))
        let names = (0..<40).map { "key-\($0)" }
        let mine = names.filter { partition.contains($0) }
        let foreign = try #require(names.first { !partition.contains($0) })
        var ids = CSVKeyIDs(partition: partition)
        func lookUp(_ bytes: [UInt8]) -> CSVKeyIDs.Lookup { bytes.withUnsafeBytes { ids.lookUp($0) } }
        func lookUp(_ key: String) -> CSVKeyIDs.Lookup { lookUp(Array(key.utf8)) }
        // A bad row's key stays new; the first introduced key gets id 0.
        guard case .new = lookUp(mine[1]), case .new(let name, let hash) = lookUp(mine[0]) else {
            Issue.record("own keys are new")
            return
        }
        #expect(name == mine[0])
        #expect(ids.introduce(name, hash: hash) == 0)
        guard case .known(0) = lookUp(mine[0]), case .new(let other, let otherHash) = lookUp(mine[1]) else {
            Issue.record("\(mine[0]) is known, \(mine[1]) still new")
            return
        }
        #expect(ids.introduce(other, hash: otherHash) == 1)
        guard case .known(1) = lookUp(mine[1]) else { Issue.record("\(mine[1]) is known"); return }
        for _ in 0..<2 {
            guard case .foreign = lookUp(foreign) else { Issue.record("\(foreign) is another partition's"); return }
        }
        // Invalid in either partition: bytes that hash to this one and bytes that do not.
        let invalid = (0x61...0x7A).map { [UInt8($0), 0xFF, 0xFE] }
        let theirs = try #require(invalid.first { bytes in !bytes.withUnsafeBytes { partition.contains(utf8: $0) } })
        let ours = try #require(invalid.first { bytes in bytes.withUnsafeBytes { partition.contains(utf8: $0) } })
        for bytes in [theirs, ours, [0xC3]] {
            guard case .invalidUTF8 = lookUp(bytes) else { Issue.record("\(bytes) is not UTF-8"); return }
        }
        guard case .empty = lookUp([UInt8]()) else { Issue.record("empty key"); return }
    }
}
