import ClipStreamEngine
import Dispatch
import Foundation

/// The writer thread of a run: encodes each scored batch's output lines into the run's
/// ``OutputBuffer`` while the scoring thread runs the engine on the next batch.
///
/// Formatting a line (two `Float`s as shortest text, the key, the echoed fields) costs about as
/// much as scoring a narrow row; on the scoring thread it left the engine's other workers idle
/// for that time. A large batch's lines are formatted in chunks on several workers
/// (``LineChunks``) and appended in order: the output does not depend on the worker count. Slots arrive in the ring's order (the reader fills, the scoring thread scores,
/// this thread writes, then frees the slot for the reader), so memory stays bounded by the
/// ring. The scoring thread touches `output` only after ``sync()`` (a checkpoint, a stall, a
/// bad row, the end).
///
/// `@unchecked Sendable`: `writer`, `keyFields`, `chunks` and `output` belong to the writer thread while
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
    /// Per-worker buffers for formatting a batch's lines in parallel.
    private let chunks: LineChunks

    /// - Parameter workers: the most threads formatting one batch's lines (the output is the
    ///   same for any count).
    init(
        slots: [ParsedBatch], writer: ScoreRowWriter, output: OutputBuffer, free: DispatchSemaphore,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.slots = slots
        self.writer = writer
        self.output = output
        self.free = free
        chunks = LineChunks(writer: writer, workers: workers)
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

    /// Writes the slot's lines in order: on this thread for a small batch, else in chunks
    /// formatted concurrently (``LineChunks``; the same bytes).
    private func write(_ slot: ParsedBatch) {
        for key in slot.introducedKeys {
            keyFieldBytes += Self.encodedField(key)
            keyFieldEnds.append(keyFieldBytes.count)
        }
        let output = self.output
        let chunks = self.chunks
        var writer = self.writer
        defer { self.writer = writer }
        slot.withLines(keyBytes: keyFieldBytes, keyEnds: keyFieldEnds) { lines in
            if chunks.parts(forRows: lines.count) > 1 {
                chunks.write(lines, to: output)
            } else {
                lines.write(0..<lines.count, with: &writer, to: output)
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
