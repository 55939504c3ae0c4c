import Testing

@testable import ClipStreamSynthetic

struct HardCaseStreamDeterminismTests {
    /// Every row's values as bit patterns (so -0.0 vs 0.0 or NaN payloads would count).
    static func bits(_ c: HardCaseConfiguration) throws -> ([[UInt32]], [GeneratedRowInfo]) {
        var rows: [[UInt32]] = []
        let infos = try runStream(c) { _, values, _ in rows.append(values.map(\.bitPattern)) }
        return (rows, infos)
    }

    @Test func sameSeedGivesBitIdenticalRows() throws {
        let c = configuration(rows: 5_000)
        let (rowsA, infosA) = try Self.bits(c)
        let (rowsB, infosB) = try Self.bits(c)
        #expect(rowsA == rowsB)
        #expect(infosA == infosB)
        #expect(rowsA.count == 5_000)
    }

    @Test func differentSeedsGiveDifferentRows() throws {
        let (rowsA, infosA) = try Self.bits(configuration(rows: 2_000, seed: 1))
        let (rowsB, infosB) = try Self.bits(configuration(rows: 2_000, seed: 2))
        #expect(rowsA != rowsB)
        #expect(infosA.map(\.key) != infosB.map(\.key))
        // Not just a few rows: almost no row coincides.
        let equalRows = zip(rowsA, rowsB).filter { $0 == $1 }.count
        #expect(equalRows == 0)
    }

    @Test func keyValuesDoNotDependOnTheNumberOfKeys() throws {
        // Key 1's rows come from its own generator, seeded by position, not by the key count.
        var three = configuration(rows: 300, dimension: 6)
        three.keys = 3
        var five = three
        five.keys = 5
        five.rows = 500
        var rowsThree: [[Float]] = []
        var rowsFive: [[Float]] = []
        _ = try runStream(three) { _, values, info in if info.key == 1 { rowsThree.append(values) }
        }
        _ = try runStream(five) { _, values, info in if info.key == 1 { rowsFive.append(values) } }
        #expect(rowsThree.count == 100)
        #expect(rowsThree == rowsFive)
    }

    @Test(arguments: [1, 3, 8, 11])
    func everyTickEmitsEveryKeyOnce(keys: Int) throws {
        var c = configuration(rows: 1_000, dimension: 4)
        c.keys = keys
        c.constantColumns = 1
        let infos = try runStream(c)
        #expect(infos.count == 1_000)
        #expect(infos.map(\.index) == Array(0..<1_000))
        var orders = Set<[Int]>()
        for start in stride(from: 0, to: infos.count - keys + 1, by: keys) {
            let tick = infos[start..<(start + keys)].map(\.key)
            #expect(tick.sorted() == Array(0..<keys))
            orders.insert(tick)
        }
        // The order is reshuffled per tick, not fixed round-robin.
        if keys >= 3 { #expect(orders.count > 1) }
    }

    @Test func streamEndsAfterRowsAndNamesAreFormatted() throws {
        var c = configuration(rows: 7, dimension: 3)
        c.constantColumns = 1
        c.keys = 3
        var stream = try HardCaseStream(configuration: c)
        #expect(stream.featureNames == ["f0", "f1", "f2"])
        #expect(stream.keyNames == ["host-00", "host-01", "host-02"])
        var values = [Float](repeating: 0, count: 3)
        var count = 0
        while stream.next(into: &values) != nil { count += 1 }
        #expect(count == 7)
        #expect(stream.next(into: &values) == nil)
        #expect(stream.rowsEmitted == 7)
        c.keys = 101
        #expect(try HardCaseStream(configuration: c).keyNames.last == "host-100")
        #expect(try HardCaseStream(configuration: c).keyNames.first == "host-000")
    }
}
