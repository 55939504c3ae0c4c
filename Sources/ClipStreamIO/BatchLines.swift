import ClipStreamCore
import ClipStreamEngine

/// One scored slot's columns as the writer formats them, lent as pointers for the time of one
/// ``ParsedBatch/withLines(keyBytes:keyEnds:_:)`` call: any range of its rows can be formatted
/// on any thread (the columns are only read), which the parallel writer (``LineChunks``) does.
///
/// `@unchecked Sendable`: plain pointers into storage that nobody writes while the lines are
/// being formatted (the slot belongs to the writer thread until its lines are written).
struct BatchLines: @unchecked Sendable {
    /// Rows in the slot.
    let count: Int
    let rowNumbers: UnsafeBufferPointer<Int>
    let results: UnsafeBufferPointer<RowScore>
    let echo: UnsafeRawBufferPointer
    /// Per row: start and end of the label, then of the time, in `echo`.
    let echoRanges: UnsafeBufferPointer<Int>
    let explainCount: Int
    let topIndices: UnsafePointer<Int32>
    let topShares: UnsafePointer<Float>
    /// Archive input: each row's key id (nil: the keys go by name, ``keys``).
    let keyIDs: UnsafeBufferPointer<Int32>?
    let keys: [String]
    /// Archive input: key id `i`'s encoded field is `keyBytes[keyEnds[i]..<keyEnds[i + 1]]`.
    let keyBytes: UnsafeRawBufferPointer
    let keyEnds: UnsafeBufferPointer<Int>

    /// Formats the lines of `rows`, in order, into `output` (of those that alert only, under
    /// ``ScoreRowWriter/alertsOnly``).
    /// - Complexity: O(line bytes); no allocation in steady state.
    func write(_ rows: Range<Int>, with writer: inout ScoreRowWriter, to output: OutputBuffer) {
        let k = explainCount
        let alertsOnly = writer.alertsOnly
        for i in rows {
            if alertsOnly && results[i].decision != .alert { continue }
            let label = UnsafeRawBufferPointer(rebasing: echo[echoRanges[i * 4]..<echoRanges[i * 4 + 1]])
            let time = UnsafeRawBufferPointer(rebasing: echo[echoRanges[i * 4 + 2]..<echoRanges[i * 4 + 3]])
            if let keyIDs {
                let id = Int(keyIDs[i])
                let key = UnsafeRawBufferPointer(rebasing: keyBytes[keyEnds[id]..<keyEnds[id + 1]])
                writer.write(
                    row: rowNumbers[i], encodedKey: key, result: results[i], label: label, time: time,
                    topIndices: topIndices + i * k, topShares: topShares + i * k, to: output)
            } else {
                writer.write(
                    row: rowNumbers[i], key: keys[i], result: results[i], label: label, time: time,
                    topIndices: topIndices + i * k, topShares: topShares + i * k, to: output)
            }
        }
    }
}

extension ParsedBatch {
    /// Lends the slot's scored rows as ``BatchLines`` to `body`; `keyBytes` and `keyEnds` are
    /// the writer's encoded archive keys.
    func withLines<R>(keyBytes: [UInt8], keyEnds: [Int], _ body: (BatchLines) -> R) -> R {
        let batch = self.batch
        return keyBytes.withUnsafeBytes { keyBytes in
            keyEnds.withUnsafeBufferPointer { keyEnds in
                echo.withUnsafeBytes { echo in
                    echoRanges.withUnsafeBufferPointer { echoRanges in
                        rowNumbers.withUnsafeBufferPointer { rowNumbers in
                            keyIDs.withUnsafeBufferPointer { keyIDs in
                                batch.results.withUnsafeBufferPointer { results in
                                    batch.topIndices.withUnsafeBufferPointer { indices in
                                        batch.topShares.withUnsafeBufferPointer { shares in
                                            body(
                                                BatchLines(
                                                    count: batch.count, rowNumbers: rowNumbers, results: results,
                                                    echo: echo, echoRanges: echoRanges, explainCount: batch.explainCount,
                                                    topIndices: indices.baseAddress ?? RunState.noIndex,
                                                    topShares: shares.baseAddress ?? RunState.noShare,
                                                    keyIDs: usesKeyIDs ? keyIDs : nil, keys: keys,
                                                    keyBytes: keyBytes, keyEnds: keyEnds))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
