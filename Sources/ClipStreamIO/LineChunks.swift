import Dispatch

/// The writer thread's helpers: a batch's lines cut into contiguous chunks, each formatted on
/// its own worker (`DispatchQueue.concurrentPerform`) into its own in-memory buffer, then
/// appended to the output in chunk order, so the bytes are the same for any worker count.
///
/// Formatting (two `Float`s as shortest text a line) is the writer's whole cost, about 0.27 us
/// a line: one thread caps a run near 3.7 M lines/s, below the engine on many cores. Buffers
/// and writers (each with its own scratch) are made once and reused from batch to batch.
///
/// `@unchecked Sendable`: worker `c` touches only `buffers[c]` and `writers[c]`, and only
/// inside ``write(_:to:)``, which the writer thread calls one batch at a time.
final class LineChunks: @unchecked Sendable {
    /// The most chunks a batch is cut into.
    let workers: Int
    private let buffers: [OutputBuffer]
    private let writers: UnsafeMutablePointer<ScoreRowWriter>

    /// Fewer rows than this a chunk are not worth a hand-over to another worker (a line costs
    /// a few hundred nanoseconds, a dispatch a few microseconds).
    static let minimumRows = 256

    init(writer: ScoreRowWriter, workers: Int) {
        self.workers = max(1, workers)
        buffers = (0..<self.workers).map { _ in OutputBuffer(growingFrom: 1 << 16) }
        writers = .allocate(capacity: self.workers)
        writers.initialize(repeating: writer, count: self.workers)
    }

    deinit {
        writers.deinitialize(count: workers)
        writers.deallocate()
    }

    /// Chunks for `rows` lines (1: format them on the writer thread straight into the output).
    func parts(forRows rows: Int) -> Int { max(1, min(workers, rows / Self.minimumRows)) }

    /// Formats every line of `lines` in `parts(forRows:)` chunks concurrently, then appends
    /// the chunks to `output` in order.
    func write(_ lines: BatchLines, to output: OutputBuffer) {
        let parts = parts(forRows: lines.count)
        let n = lines.count
        DispatchQueue.concurrentPerform(iterations: parts) { c in
            lines.write(n * c / parts..<n * (c + 1) / parts, with: &writers[c], to: buffers[c])
        }
        for c in 0..<parts {
            output.write(buffers[c].buffered)
            buffers[c].clear()
        }
    }
}
