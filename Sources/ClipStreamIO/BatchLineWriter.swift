import ClipStreamEngine
import Dispatch
import Foundation

/// The writer thread of a run: encodes each scored batch's output lines into the run's
/// ``OutputBuffer`` while the scoring thread runs the engine on the next batch.
///
/// Formatting a line (two `Float`s as shortest text, the key, the echoed fields) costs about as
/// much as scoring a narrow row; on the scoring thread it left the engine's other workers idle
/// for that time. Slots arrive in the ring's order (the reader fills, the scoring thread scores,
/// this thread writes, then frees the slot for the reader), so memory stays bounded by the
/// ring. The scoring thread touches `output` only after ``sync()`` (a checkpoint, a stall, a
/// bad row, the end).
///
/// `@unchecked Sendable`: `writer`, `keyFields` and `output` belong to the writer thread while
/// slots are handed over and not yet synced; `handed` to the scoring thread; `stopping` is
/// written before the semaphore signal that makes the writer thread read it.
final class BatchLineWriter: @unchecked Sendable {
    private let slots: [ParsedBatch]
    private var writer: ScoreRowWriter
    private let output: OutputBuffer
    /// The reader's semaphore: a slot is free again once its lines are written.
    private let free: DispatchSemaphore
    private let scored = DispatchSemaphore(value: 0)
    private let written = DispatchSemaphore(value: 0)
    /// Slots handed over and not yet synced (scoring thread).
    private var handed = 0
    private var stopping = false
    /// Archive input: each key id's field, encoded once; id `i`'s bytes are
    /// `keyFieldEnds[i]..<keyFieldEnds[i + 1]` (one flat array: no array to retain per row).
    private var keyFieldBytes: [UInt8] = []
    private var keyFieldEnds: [Int] = [0]

    init(slots: [ParsedBatch], writer: ScoreRowWriter, output: OutputBuffer, free: DispatchSemaphore) {
        self.slots = slots
        self.writer = writer
        self.output = output
        self.free = free
    }

    /// Starts the thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "clipstream-writer"
        thread.start()
    }

    /// Scoring thread: the next slot of the ring is scored; write its lines.
    func hand() {
        handed += 1
        scored.signal()
    }

    /// Scoring thread: waits until the lines of every slot handed over are in the output
    /// buffer (not necessarily flushed); the output is then the scoring thread's until the next
    /// ``hand()``.
    func sync() {
        while handed > 0 {
            written.wait()
            handed -= 1
        }
    }

    /// Scoring thread: ends the thread (after ``sync()``).
    func stop() {
        precondition(handed == 0, "stop the writer after sync()")
        stopping = true
        scored.signal()
    }

    private func run() {
        var index = 0
        while true {
            scored.wait()
            if stopping { return }
            let slot = slots[index % slots.count]
            index += 1
            write(slot)
            written.signal()
            free.signal()
        }
    }

    /// Writes the slot's lines in order.
    private func write(_ slot: ParsedBatch) {
        let output = self.output
        for key in slot.introducedKeys {
            keyFieldBytes += Self.encodedField(key)
            keyFieldEnds.append(keyFieldBytes.count)
        }
        let batch = slot.batch
        let ranges = slot.echoRanges
        let k = batch.explainCount
        let keyFieldBytes = self.keyFieldBytes
        let keyFieldEnds = self.keyFieldEnds
        let usesKeyIDs = slot.usesKeyIDs
        let keyIDs = slot.keyIDs
        let keys = slot.keys
        let rowNumbers = slot.rowNumbers
        var writer = self.writer
        defer { self.writer = writer }
        keyFieldBytes.withUnsafeBytes { keyBytes in
            slot.echo.withUnsafeBytes { echoBytes in
                batch.topIndices.withUnsafeBufferPointer { indices in
                    batch.topShares.withUnsafeBufferPointer { shares in
                        for i in 0..<batch.count {
                            let label = UnsafeRawBufferPointer(rebasing: echoBytes[ranges[i * 4]..<ranges[i * 4 + 1]])
                            let time = UnsafeRawBufferPointer(rebasing: echoBytes[ranges[i * 4 + 2]..<ranges[i * 4 + 3]])
                            let topIndices = (indices.baseAddress ?? RunState.noIndex) + i * k
                            let topShares = (shares.baseAddress ?? RunState.noShare) + i * k
                            if usesKeyIDs {
                                let id = Int(keyIDs[i])
                                let key = UnsafeRawBufferPointer(rebasing: keyBytes[keyFieldEnds[id]..<keyFieldEnds[id + 1]])
                                writer.write(
                                    row: rowNumbers[i], encodedKey: key, result: batch.results[i],
                                    label: label, time: time, topIndices: topIndices, topShares: topShares, to: output)
                            } else {
                                writer.write(
                                    row: rowNumbers[i], key: keys[i], result: batch.results[i],
                                    label: label, time: time, topIndices: topIndices, topShares: topShares, to: output)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `key` as one CSV field, quoted when it must be (``OutputBuffer/writeField(_:)``'s rule).
    static func encodedField(_ key: String) -> [UInt8] {
        let bytes = Array(key.utf8)
        guard bytes.withUnsafeBytes({ OutputBuffer.needsQuoting($0) }) else { return bytes }
        var field: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            field.append(byte)
            if byte == UInt8(ascii: "\"") { field.append(byte) }
        }
        field.append(UInt8(ascii: "\""))
        return field
    }
}
