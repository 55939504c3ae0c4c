import ClipStreamEngine
import ClipStreamIO
import Foundation
import TestSupport
import Testing

/// The binary archive: a round trip is exact, and every kind of damage is reported with the
/// offset of the bad block after every row before it.
@Suite("Binary archive")
struct ArchiveTests {
    static let header = ArchiveHeader(
        keyColumn: "key", labelColumn: "label", timeColumn: "t", featureNames: ["a", "b", "c"])

    /// Writes `blocks` blocks of 5 rows (keys cycling over 3 names, one new per block at most).
    static func archive(blocks: Int = 3, header: ArchiveHeader = header) throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("a.csar")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        let writer = ArchiveWriter(fileDescriptor: fd, header: header)
        var row = 0
        for b in 0..<blocks {
            var keys: [String] = []
            var numbers: [Int] = []
            var labels: [[UInt8]] = []
            var times: [[UInt8]] = []
            var values: [Float] = []
            for i in 0..<5 {
                row += 1
                keys.append("host-\((b + i) % 3)")
                numbers.append(row * 2)  // gaps, as skipped bad rows leave
                labels.append(Array((i == 2 ? "1" : "0").utf8))
                times.append(Array("2026-11-26T00:00:\(row)".utf8))
                values += [Float(row), -Float(row) / 3, row == 7 ? .greatestFiniteMagnitude : 0.5]
            }
            values.withUnsafeBufferPointer {
                writer.write(keys: keys, rowNumbers: numbers, labels: labels, times: times, values: $0)
            }
        }
        try writer.finish()
        close(fd)
        return try directory.read("a.csar")
    }

    /// Reads every block it can; returns the rows and the error that ended the read, if any.
    static func readAll(_ bytes: [UInt8]) -> (rows: [(key: String, number: Int, values: [Float], label: String)], error: ArchiveError?) {
        var rows: [(key: String, number: Int, values: [Float], label: String)] = []
        do {
            let reader = try ArchiveReader(source: ChunkedByteSource(bytes, chunkSize: 7))
            var block = ArchiveBlock()
            while try reader.next(into: &block) {
                let d = reader.header.dimension
                for i in 0..<block.count {
                    rows.append((
                        key: reader.keys[Int(block.keyIDs[i])], number: block.rowNumbers[i],
                        values: Array(block.values[(i * d)..<((i + 1) * d)]),
                        label: String(decoding: block.labels[i], as: UTF8.self)))
                }
            }
        } catch let error as ArchiveError {
            return (rows, error)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return (rows, nil)
    }

    @Test func roundTripIsExact() throws {
        let bytes = try Self.archive()
        let reader = try ArchiveReader(source: ChunkedByteSource(bytes))
        #expect(reader.header == Self.header)
        let (rows, error) = Self.readAll(bytes)
        #expect(error == nil)
        #expect(rows.count == 15)
        #expect(rows.map(\.number) == (1...15).map { $0 * 2 })
        #expect(rows[0].key == "host-0" && rows[5].key == "host-1" && rows[14].key == "host-0")
        #expect(rows[6].values == [7, -7.0 / 3, .greatestFiniteMagnitude])
        #expect(rows.filter { $0.label == "1" }.count == 3)
    }

    @Test func archivesWithoutLabelOrTimeRoundTrip() throws {
        let plain = ArchiveHeader(keyColumn: "k", labelColumn: nil, timeColumn: nil, featureNames: ["x", "y", "z"])
        let bytes = try Self.archive(blocks: 2, header: plain)
        let reader = try ArchiveReader(source: ChunkedByteSource(bytes))
        #expect(reader.header == plain)
        var block = ArchiveBlock()
        #expect(try reader.next(into: &block))
        #expect(block.count == 5 && block.labels.isEmpty && block.times.isEmpty)
    }

    /// Block boundaries: header, then blocks of equal length, then the end block (20 bytes).
    static func blockOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        for i in 0..<(bytes.count - 3) where Array(bytes[i..<(i + 4)]) == Array("CSBK".utf8) { offsets.append(i) }
        return offsets
    }

    @Test func truncationAnywhereKeepsEveryEarlierBlockAndNamesTheOffset() throws {
        let bytes = try Self.archive()
        let blocks = Self.blockOffsets(bytes)
        #expect(blocks.count == 3)
        let end = bytes.count - 20
        for cut in [0, 5, blocks[0] - 1, blocks[0], blocks[0] + 9, blocks[1] + 1, blocks[2] + 30, end, end + 10, bytes.count - 1] {
            let (rows, error) = Self.readAll(Array(bytes[0..<cut]))
            let complete = blocks.filter { $0 < cut }.count - (cut < end ? 1 : 0)
            let expectedRows = cut <= blocks[0] ? 0 : max(0, complete) * 5
            #expect(rows.count == expectedRows, "cut at \(cut)")
            guard case .truncated(let offset, let before) = error else {
                Issue.record("cut at \(cut): \(String(describing: error))")
                continue
            }
            #expect(before == rows.count)
            // The offset names the incomplete item: the header (0), a block, or the end block.
            #expect(offset == 0 || blocks.contains(offset) || offset == end, "cut at \(cut): offset \(offset)")
            #expect(error!.description.contains("offset \(offset)"))
        }
    }

    /// A block whose row count, times a wide header's dimension, claims 16 GiB and is cut
    /// short: the reader allocated the claim up front and aborted (exit 134); it now meets the
    /// input's end first and reports the truncation.
    @Test func aBlockClaimingGigabytesIsTruncatedNotAllocated() throws {
        let wide = ArchiveHeader(keyColumn: "key", labelColumn: nil, timeColumn: nil, featureNames: (0..<65_536).map { "f\($0)" })
        let empty = try Self.archive(blocks: 0, header: wide)
        var bytes = Array(empty[0..<(empty.count - 20)])  // the header, without the end block
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        bytes += Array("CSBK".utf8)
        append(UInt32(65_536))  // rows
        append(UInt32(1))  // one new key
        append(UInt32(1))
        bytes += Array("k".utf8)
        for row in 1...65_536 { append(UInt64(row)) }
        for _ in 0..<65_536 { append(UInt32(0)) }
        bytes += [UInt8](repeating: 0, count: 1 << 20)  // 1 MiB of the 16 GiB of values
        let (rows, error) = Self.readAll(bytes)
        #expect(rows.isEmpty)
        guard case .truncated = error else {
            Issue.record("\(String(describing: error))")
            return
        }
    }

    /// Row numbers must rise strictly from 1 across the archive (a crafted row 0 or one past
    /// 2^63 was dropped without a word, and falling numbers would break a resume); keys must
    /// not be empty. Both are refused as corrupt.
    @Test(arguments: [[4, 5, 0], [7, 6, 8], [1, 2, 2], [1, 2, 3]])
    func rowNumbersMustRiseAndKeysMustNotBeEmpty(numbers: [Int]) throws {
        for key in ["h", ""] {
            let directory = try TemporaryDirectory()
            defer { directory.cleanUp() }
            let path = directory.path("a.csar")
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            let header = ArchiveHeader(keyColumn: "key", labelColumn: "label", timeColumn: nil, featureNames: ["a"])
            let writer = ArchiveWriter(fileDescriptor: fd, header: header)
            [Float(1), 2, 3].withUnsafeBufferPointer {
                writer.write(keys: ["h", key, "h"], rowNumbers: numbers, labels: [[48], [48], [48]], times: [], values: $0)
            }
            try writer.finish()
            close(fd)
            let (rows, error) = Self.readAll(try directory.read("a.csar"))
            if numbers == [1, 2, 3] && !key.isEmpty {
                #expect(error == nil && rows.map(\.number) == numbers)
            } else {
                guard case .corrupt = error else {
                    Issue.record("\(numbers) key '\(key)': \(String(describing: error))")
                    continue
                }
                #expect(rows.isEmpty)
            }
        }
    }

    @Test func aFlippedByteIsCaughtByItsBlockChecksum() throws {
        let bytes = try Self.archive()
        let blocks = Self.blockOffsets(bytes)
        for (index, position) in [blocks[1] + 40, blocks[2] + 60, blocks[1] - 1].enumerated() {
            var damaged = bytes
            damaged[position] ^= 0x10
            let (rows, error) = Self.readAll(damaged)
            guard case .corrupt(let offset, let before, _) = error else {
                Issue.record("flip at \(position): \(String(describing: error))")
                continue
            }
            let block = blocks.last { $0 <= position }!
            #expect(offset == block, "flip \(index)")
            #expect(rows.count == before && before == blocks.firstIndex(of: block)! * 5)
        }
        var header = bytes
        header[20] ^= 1
        #expect(throws: ArchiveError.self) { try ArchiveReader(source: ChunkedByteSource(header)) }
    }

    @Test func wrongMagicVersionAndTrailingData() throws {
        let bytes = try Self.archive(blocks: 1)
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        #expect(throws: ArchiveError.notAnArchive) { try ArchiveReader(source: ChunkedByteSource(magic)) }
        var version = bytes
        version[8] = 9
        #expect(throws: ArchiveError.unsupportedVersion(9)) { try ArchiveReader(source: ChunkedByteSource(version)) }
        let (rows, error) = Self.readAll(bytes + [0])
        #expect(rows.count == 5)
        if case .corrupt(_, _, let reason) = error { #expect(reason.contains("after the end block")) } else {
            Issue.record("\(String(describing: error))")
        }
        let csv = Array("key,a\nh,1\n".utf8)
        #expect(throws: ArchiveError.notAnArchive) { try ArchiveReader(source: ChunkedByteSource(csv)) }
    }
}

/// `ArchiveConverter`: CSV rows to archives, whole or split by key partition.
@Suite("Binary archive: conversion from CSV")
struct ArchiveConversionTests {
    static let csv = """
        t,key,label,a,b
        1,web,0,1.5,2
        2,db,1,3,4
        3,web,0,bad,6
        4,cache,0,7,8
        5,db,0,9,10

        """

    static func convert(partitions: Int, policy: BadRowPolicy) throws -> (archives: [[UInt8]], summary: ConversionSummary) {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var options = ScoringOptions()
        options.labelColumn = "label"
        options.timeColumn = "t"
        options.badRowPolicy = policy
        let paths = (0..<partitions).map { directory.path("a\($0)") }
        let fds = paths.map { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        defer { fds.forEach { close($0) } }
        let reader = try CSVReader(source: ChunkedByteSource(Self.csv))
        let summary = try ArchiveConverter(reader: reader, options: options, outputs: fds).run()
        return (try paths.indices.map { try directory.read("a\($0)") }, summary)
    }

    @Test func rowsKeepTheirNumbersFieldsAndValues() throws {
        let (archives, summary) = try Self.convert(partitions: 1, policy: .skip)
        #expect(summary.rows == 4 && summary.skipped.values.reduce(0, +) == 1)
        let reader = try ArchiveReader(source: ChunkedByteSource(archives[0]))
        #expect(reader.header.featureNames == ["a", "b"])
        #expect(reader.header.labelColumn == "label" && reader.header.timeColumn == "t")
        var block = ArchiveBlock()
        #expect(try reader.next(into: &block))
        #expect(block.rowNumbers == [1, 2, 4, 5])
        #expect(block.keyIDs.map { reader.keys[Int($0)] } == ["web", "db", "cache", "db"])
        #expect(block.values == [1.5, 2, 3, 4, 7, 8, 9, 10])
        #expect(block.labels.map { String(decoding: $0, as: UTF8.self) } == ["0", "1", "0", "0"])
        #expect(block.times.map { String(decoding: $0, as: UTF8.self) } == ["1", "2", "4", "5"])
        #expect(try !reader.next(into: &block))
    }

    @Test func partitionsSplitByKeyAsPartitionDoes() throws {
        let (archives, summary) = try Self.convert(partitions: 3, policy: .skip)
        #expect(summary.rowsPerArchive.reduce(0, +) == 4)
        var seen: [String: Int] = [:]
        for (index, bytes) in archives.enumerated() {
            let reader = try ArchiveReader(source: ChunkedByteSource(bytes))
            var block = ArchiveBlock()
            var rows = 0
            while try reader.next(into: &block) {
                for id in block.keyIDs {
                    let key = reader.keys[Int(id)]
                    #expect(KeyPartition(index: index, count: 3)!.contains(key), "\(key) in archive \(index)")
                    seen[key, default: 0] += 1
                }
                rows += block.count
            }
            #expect(rows == summary.rowsPerArchive[index])
        }
        #expect(seen == ["web": 1, "db": 2, "cache": 1])
    }

    @Test func aBadRowUnderFailEndsTheArchiveAfterTheGoodRows() throws {
        #expect(throws: InputError.self) { try Self.convert(partitions: 1, policy: .fail) }
    }
}
