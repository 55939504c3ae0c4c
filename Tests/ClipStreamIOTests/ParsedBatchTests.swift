@testable import ClipStreamIO
import Testing

/// What one batch of parsed CSV rows holds.
@Suite("Parsed batches")
struct ParsedBatchTests {
    /// A batch counts as full once its keys' text reaches the budget, not only at its row
    /// capacity: three batches of 4,096 rows with 20 kB keys held 270 MB, and keys near the
    /// 1 MiB line limit could reach some 12 GB.
    @Test func aBatchOfLongKeysIsFullAtItsTextBudget() throws {
        let keyLength = 1 << 19  // 32 of them fill 16 MiB
        var text = "key,f0\n"
        for i in 0..<40 { text += String(repeating: "k", count: keyLength - 4) + String(1000 + i) + ",\(i)\n" }
        let reader = CSVReader(source: ChunkedByteSource(text))
        let schema = try CSVSchema(header: try reader.readHeader(), keyColumn: "key")
        let parsed = ParsedBatch(schema: schema, capacity: 4096, explainCount: 0)
        var row = 0
        while !parsed.isFull, try reader.next(blocking: true) == .record {
            row += 1
            try parsed.append(from: reader, dataRow: row)
        }
        #expect(parsed.batch.count == 32)
        #expect(parsed.keyBytes == 16 << 20)
        #expect(parsed.keys.last?.hasSuffix("1031") == true)
        parsed.reset()
        #expect(!parsed.isFull && parsed.keyBytes == 0)
    }

    /// The row's values land in the batch's next row; a bad field adds nothing and leaves the
    /// rows before it as they were.
    @Test func valuesLandInTheNextRowAndABadFieldAddsNothing() throws {
        let reader = CSVReader(source: ChunkedByteSource("key,f0,f1\na,1.5,2\nb,x,3\nc,-4,0.25\n"))
        let schema = try CSVSchema(header: try reader.readHeader(), keyColumn: "key")
        let parsed = ParsedBatch(schema: schema, capacity: 8, explainCount: 0)
        var failures = 0
        for row in 1...3 {
            _ = try reader.next(blocking: true)
            do { try parsed.append(from: reader, dataRow: row) } catch { failures += 1 }
        }
        #expect(failures == 1)
        #expect(parsed.batch.count == 2)
        #expect(Array(parsed.batch.values.prefix(4)) == [1.5, 2, -4, 0.25])
        #expect(parsed.keys == ["a", "c"])
    }
}
