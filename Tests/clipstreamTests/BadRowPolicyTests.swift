import Foundation
import TestSupport
import Testing

/// `--on-bad-row skip|quarantine:FILE` passes over bad rows: each is counted by reason (and
/// quarantined byte for byte), every good row is scored exactly as if the bad ones had never
/// been there, and every row keeps its input number. `--max-keys` rejects the rows of keys
/// beyond the limit and counts them.
@Suite("CLI: bad-row policies and key limits")
struct BadRowPolicyTests {
    /// Good rows of two keys, with one bad row of each kind in between (CRLF on one of them).
    static let goodRows = (0..<60).map { i in "\(i % 2 == 0 ? "a" : "b"),\(Double(i % 7) * 0.5),\(i % 5)\n" }
    static let badRows = [
        "a,1\n",  // wrong field count
        "b,x,2\n",  // non-numeric
        "a,nan,1\r\n",  // non-finite, CRLF
        "a,1e400,1\n",  // overflows Float
        ",1,2\n",  // empty key
        "b,1,\n",  // empty value
        "a,\"1\"x,2\n",  // text after a closing quote
        "key,f0,f1\n",  // the header again
        "a,\(String(repeating: "7", count: 3 << 20)),1\n",  // longer than 1 MiB
        // Longer than the reader's buffer, with a line feed inside its quotes: the skip once
        // stopped there and read the field's rest as rows of their own.
        "a,\"\(String(repeating: "x", count: 2 << 20))\nb,9e30,1\",1\n",
        "\u{FEFF}key,f0,f1\n",  // the header again, after a byte-order mark (concatenated files)
    ]
    static let reasons = [
        "empty key": 1, "empty value": 1, "line too long": 2, "non-finite value": 2,
        "non-numeric value": 1, "repeated header": 2, "text after a closing quote": 1,
        "wrong field count": 1,
    ]

    /// The input with bad row `k` after good row `5 k + 3`, and the data-row numbers of the
    /// good rows in it.
    static func mixed() -> (text: String, goodNumbers: [Int]) {
        var text = "key,f0,f1\n"
        var numbers: [Int] = []
        var row = 0
        for (i, good) in goodRows.enumerated() {
            text += good
            row += 1
            numbers.append(row)
            if i % 5 == 3, i / 5 < badRows.count {
                text += badRows[i / 5]
                row += 1
            }
        }
        return (text, numbers)
    }

    /// Output lines of a run on the good rows alone, renumbered as in the mixed input.
    static func expectedLines() throws -> [String] {
        let clean = try ClipStreamBinary.run(["score", "-"], stdin: Array(("key,f0,f1\n" + goodRows.joined()).utf8))
        let numbers = mixed().goodNumbers
        return [clean.stdoutLines[0]] + clean.stdoutLines.dropFirst().enumerated().map { i, line in
            String(numbers[i]) + line[line.firstIndex(of: ",")!...]
        }
    }

    @Test func skipCountsEachReasonAndScoresTheGoodRowsAsIfAlone() throws {
        let run = try ClipStreamBinary.run(["score", "-", "--on-bad-row", "skip"], stdin: Array(Self.mixed().text.utf8))
        #expect(run.status == 0)
        #expect(run.stdoutLines == (try Self.expectedLines()))
        var expected = ["skipped \(Self.badRows.count) rows"]
        expected += Self.reasons.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        #expect(run.stderrLines == expected)
    }

    @Test func quarantineHoldsExactlyTheRawBadLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let quarantine = directory.path("bad.txt")
        let run = try ClipStreamBinary.run(
            ["score", "-", "--on-bad-row", "quarantine:\(quarantine)"], stdin: Array(Self.mixed().text.utf8))
        #expect(run.status == 0)
        #expect(run.stdoutLines == (try Self.expectedLines()))
        #expect(try directory.read("bad.txt") == Array(Self.badRows.joined().utf8))
    }

    @Test func failStopsAtTheFirstBadRowAndNamesARepeatedHeader() throws {
        let run = try ClipStreamBinary.run(["score", "-"], stdin: Array("key,f0,f1\na,1,2\nkey,f0,f1\na,2,3\n".utf8))
        #expect(run.status == 32)
        #expect(run.stdoutLines.count == 2)
        #expect(run.stderr.contains("line 3: the header again"))
        let policy = try ClipStreamBinary.run(["score", "-", "--on-bad-row", "ignore"], stdin: [])
        #expect(policy.status == 64)
    }

    /// A header of numeric names parses as a row; repeated, it is still the header again.
    @Test func aRepeatedHeaderOfNumericNamesIsNotLearned() throws {
        let input = Array("key,1,2\na,1,2\nkey,1,2\na,3,4\n".utf8)
        let failing = try ClipStreamBinary.run(["score", "-"], stdin: input)
        #expect(failing.status == 32)
        #expect(failing.stdoutLines.count == 2)
        let skipping = try ClipStreamBinary.run(["score", "-", "--on-bad-row", "skip"], stdin: input)
        #expect(skipping.status == 0)
        #expect(skipping.stdoutLines.map { $0.prefix(2) } == ["ro", "1,", "3,"])
        #expect(skipping.stderrLines == ["skipped 1 rows", "  repeated header: 1"])
    }

    /// Input-level errors stay fatal under every policy.
    @Test func inputLevelErrorsAreFatalUnderSkip() throws {
        let missing = try ClipStreamBinary.run(["score", "/no/such/file.csv", "--on-bad-row", "skip"])
        #expect(missing.status == 3)
        let headerOnly = try ClipStreamBinary.run(["score", "-", "--on-bad-row", "skip"], stdin: Array("key,f0\n".utf8))
        #expect(headerOnly.status == 21)
    }

    @Test func maxKeysRejectsLaterKeysAndCountsTheirRows() throws {
        // Keys k0..k9 in turn, 200 rows; with --max-keys 4 only k0..k3 are modelled.
        let rows = (0..<200).map { i in "k\(i % 10),\(Double(i % 13) * 0.25),\(i % 3)\n" }
        let input = "key,f0,f1\n" + rows.joined()
        let limited = try ClipStreamBinary.run(["score", "-", "--max-keys", "4"], stdin: Array(input.utf8))
        #expect(limited.status == 0)
        #expect(limited.stderrLines == ["rejected 120 rows"])
        // The admitted keys' rows, numbered as in the input, scored as in a run without the rest.
        let kept = (0..<200).filter { $0 % 10 < 4 }
        let alone = try ClipStreamBinary.run(
            ["score", "-"], stdin: Array(("key,f0,f1\n" + kept.map { rows[$0] }.joined()).utf8))
        let renumbered = alone.stdoutLines.dropFirst().enumerated().map { i, line in
            String(kept[i] + 1) + line[line.firstIndex(of: ",")!...]
        }
        #expect(Array(limited.stdoutLines.dropFirst()) == renumbered)
    }

    /// A replay killed and resumed with a quarantine file ends with the same quarantine bytes
    /// and the same bad-row totals.
    @Test func replayResumesTheQuarantineExactly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var text = "key,f0,f1\n"
        for i in 0..<20_000 {
            text += "k\(i % 7),\(Double(i % 11) * 0.3),\(i % 4)\n"
            if i % 997 == 0 { text += "k\(i % 7),oops,1\n" }
        }
        let input = try directory.write("input.csv", Array(text.utf8))
        let arguments = ["replay", input, "-o", directory.path("out.csv"), "--on-bad-row",
            "quarantine:\(directory.path("bad.txt"))", "--checkpoint", directory.path("ck"),
            "--checkpoint-every", "3000", "--batch-size", "500", "--resume", "--quiet",
            "--summary", directory.path("summary.json")]
        for fault in ["row:4000", "row:9500", "checkpoint:3"] {
            _ = try ClipStreamBinary.run(arguments + ["--fault", fault])
        }
        let finished = try ClipStreamBinary.run(arguments)
        #expect(finished.status == 0)
        let expectedBad = (0..<20_000).filter { $0 % 997 == 0 }.map { "k\($0 % 7),oops,1\n" }.joined()
        #expect(try directory.read("bad.txt") == Array(expectedBad.utf8))
        let reference = try ClipStreamBinary.run(["score", input, "--on-bad-row", "skip"])
        #expect(try directory.read("out.csv") == reference.stdout)
        let summary = try JSONSerialization.jsonObject(with: Data(try directory.read("summary.json"))) as? [String: Any]
        #expect(summary?["bad_rows"] as? Int == 21)
        #expect((summary?["bad_rows_by_reason"] as? [String: Int])?["non-numeric value"] == 21)
        #expect(finished.stderr.contains("skipped 21 rows"))
    }
}

/// `--max-keys N --evict-idle`: a new key beyond N evicts the least recently seen one; every
/// row is scored, an evicted key that returns starts afresh, and the result depends on the
/// input alone (not on shards or batch sizes).
@Suite("CLI: --evict-idle")
struct EvictIdleTests {
    /// 3,000 rows over 12 keys in an uneven rotation, 5 keys kept.
    static let rows: [(key: String, values: String)] = (0..<3_000).map { i in
        let key = "k\((i * 7 + i / 50) % 12)"
        return (key, "\(Double(i % 17) * 0.3),\(i % 5)")
    }

    /// Each key renamed per incarnation (`k3#2`: k3's third model), simulating the limit.
    static func incarnations(limit: Int) -> [String] {
        var order: [String] = []  // least recently seen first
        var generation: [String: Int] = [:]
        return rows.map { row in
            if let index = order.firstIndex(of: row.key) {
                order.remove(at: index)
            } else {
                if order.count == limit { order.removeFirst() }
                generation[row.key, default: -1] += 1
            }
            order.append(row.key)
            return "\(row.key)#\(generation[row.key]!)"
        }
    }

    static func input(_ keys: [String]) -> [UInt8] {
        Array(("key,f0,f1\n" + zip(keys, rows).map { "\($0),\($1.values)\n" }.joined()).utf8)
    }

    @Test func evictionEqualsFreshModelsPerIncarnation() throws {
        let limited = try ClipStreamBinary.run(
            ["score", "-", "--max-keys", "5", "--evict-idle"], stdin: Self.input(Self.rows.map(\.key)))
        #expect(limited.status == 0)
        let renamed = Self.incarnations(limit: 5)
        let evictions = Set(renamed).count - 5
        #expect(limited.stderrLines == ["evicted \(evictions) keys"])
        let reference = try ClipStreamBinary.run(["score", "-"], stdin: Self.input(renamed))
        let expected = reference.stdoutLines.map { line -> String in
            guard let hash = line.firstIndex(of: "#") else { return line }
            let rest = line[hash...].drop { $0 != "," }
            return String(line[..<hash]) + rest
        }
        #expect(limited.stdoutLines == expected)
    }

    @Test(arguments: [["--shards", "3"], ["--batch-size", "7"], ["--shards", "2", "--batch-size", "1"]])
    func evictionDependsOnTheInputAlone(options: [String]) throws {
        let input = Self.input(Self.rows.map(\.key))
        let reference = try ClipStreamBinary.run(["score", "-", "--max-keys", "5", "--evict-idle", "--shards", "1"], stdin: input)
        let run = try ClipStreamBinary.run(["score", "-", "--max-keys", "5", "--evict-idle"] + options, stdin: input)
        #expect(run.stdout == reference.stdout)
    }

    @Test func evictIdleNeedsMaxKeys() throws {
        let run = try ClipStreamBinary.run(["score", "-", "--evict-idle"], stdin: Array("key,a\nk,1\n".utf8))
        #expect(run.status == 64)
    }
}
