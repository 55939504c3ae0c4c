import ClipStreamEngine
@testable import ClipStreamIO
import Testing

/// The reader thread's key table: keys found by their bytes, numbered in first-seen order.
@Suite("Key table and CSV key ids")
struct KeyTableTests {
    static func entry(_ table: inout KeyTable, _ key: [UInt8]) -> (entry: Int, isNew: Bool) {
        key.withUnsafeBytes { table.entry(for: $0) }
    }

    /// 60,000 keys (prefixes of one another, empty, long, non-ASCII; the table grows 12
    /// times) are numbered in insertion order, found again as themselves and never twice.
    @Test func everyKeyIsFoundAgainUnderItsOwnNumber() {
        var keys: [[UInt8]] = [[], Array("a".utf8), Array("ab".utf8), Array("ba".utf8), Array("é".utf8)]
        keys.append(Array(repeating: 0x78, count: 5000))
        keys.append(Array(repeating: 0x78, count: 4999))
        for i in 0..<60_000 - keys.count { keys.append(Array("host-\(i)".utf8) + (i % 7 == 0 ? Array(repeating: 0, count: i % 40) : [])) }
        var table = KeyTable()
        for (i, key) in keys.enumerated() {
            let found = Self.entry(&table, key)
            #expect(found.entry == i && found.isNew, "key \(i)")
        }
        #expect(table.count == keys.count)
        for (i, key) in keys.enumerated().reversed() {
            let found = Self.entry(&table, key)
            #expect(found.entry == i && !found.isNew, "key \(i)")
            #expect(table.withBytes(of: i) { Array($0) } == key)
        }
        #expect(table.count == keys.count)
    }

    /// A key gets its id on its first good row (a bad row before it introduces nothing), keys
    /// of another partition are foreign, and bytes that are not UTF-8 are reported as such
    /// every time they come.
    @Test func idsFollowTheFirstGoodRowAndThePartition() throws {
        let partition = try #require(KeyPartition(index: 0, count: 2))
        let names = (0..<40).map { "key-\($0)" }
        let mine = names.filter { partition.contains($0) }
        let foreign = try #require(names.first { !partition.contains($0) })
        #expect(mine.count >= 2)
        var ids = CSVKeyIDs(partition: partition)
        func lookUp(_ key: String) -> CSVKeyIDs.Lookup { Array(key.utf8).withUnsafeBytes { ids.lookUp($0) } }
        var introduced: [String] = []
        guard case .entry(let second) = lookUp(mine[1]), case .entry(let first) = lookUp(mine[0]) else {
            Issue.record("own keys not found")
            return
        }
        // mine[1] was seen first, but mine[0]'s row is the first good one.
        #expect(ids.id(of: first, introducingInto: &introduced) == 0)
        #expect(ids.id(of: second, introducingInto: &introduced) == 1)
        #expect(ids.id(of: first, introducingInto: &introduced) == 0)
        #expect(introduced == [mine[0], mine[1]])
        guard case .foreign = lookUp(foreign) else { Issue.record("\(foreign) is another partition's"); return }
        for _ in 0..<2 {
            let invalid = [UInt8]([0x62, 0xFF, 0xFE]).withUnsafeBytes { ids.lookUp($0) }
            guard case .invalidUTF8 = invalid else { Issue.record("0xFF 0xFE is not UTF-8"); return }
        }
        guard case .empty = [UInt8]().withUnsafeBytes({ ids.lookUp($0) }) else { Issue.record("empty key"); return }
    }
}
