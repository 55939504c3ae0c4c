import Dispatch

/// A STREAM-like memory-bandwidth probe run in the benchmark's own process, so each engine
/// figure is set against what the machine delivered in the same minute (other tenants move
/// this machine's bandwidth by 2x within an hour).
///
/// The kernel is STREAM's triad, `a[i] = b[i] + q * c[i]`, over three `Float` arrays far larger
/// than the last-level cache, split into one contiguous chunk per worker and run with
/// `DispatchQueue.concurrentPerform`, as the engine's shards are. Bytes are counted as STREAM
/// counts them: 12 per element (two reads, one write; the write-allocate read is not counted).
final class BandwidthProbe {
    /// Elements per array.
    let count: Int
    private let a: UnsafeMutablePointer<Float>
    private let b: UnsafeMutablePointer<Float>
    private let c: UnsafeMutablePointer<Float>

    /// Allocates and touches three arrays of `megabytes` MB each.
    init(megabytes: Int) {
        count = max(1 << 16, (megabytes << 20) / MemoryLayout<Float>.stride)
        a = .allocate(capacity: count)
        b = .allocate(capacity: count)
        c = .allocate(capacity: count)
        a.initialize(repeating: 0, count: count)
        b.initialize(repeating: 1, count: count)
        c.initialize(repeating: 2, count: count)
    }

    deinit {
        a.deallocate()
        b.deallocate()
        c.deallocate()
    }

    /// Bytes one triad pass moves, as STREAM counts them.
    var bytesPerPass: Double { Double(count) * 12 }

    /// The best of `repetitions` triad passes on `workers` workers, in GB/s (10^9 bytes).
    func measure(workers: Int, repetitions: Int = 3) -> Double {
        var best = 0.0
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            triad(workers: workers)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = max(best, bytesPerPass / seconds / 1e9)
        }
        return best
    }

    private func triad(workers: Int) {
        let chunks = ProbeChunks(a: a, b: b, c: c, count: count, workers: max(1, workers))
        if chunks.workers == 1 {
            chunks.run(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks.workers) { chunks.run($0) }
        }
    }
}

/// One triad pass split into `workers` disjoint chunks (no two workers write one element).
private struct ProbeChunks: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>
    let count: Int
    let workers: Int

    func run(_ worker: Int) {
        let start = count * worker / workers
        let end = count * (worker + 1) / workers
        let q: Float = 3
        // A plain loop LLVM vectorizes; no reduction, so no ordering constraint.
        for i in start..<end { a[i] = b[i] + q * c[i] }
    }
}
