@testable import ClipStreamIO
import Dispatch
import Foundation
import Synchronization
import Testing

/// How the reader thread and the scoring thread pass slots and how the reader is stopped.
/// ThreadSanitizer runs this suite (Scripts/sanitize.sh).
@Suite("Slot hand-over: stopping the reader thread")
struct SlotHandOverTests {
    /// The scoring thread's `stop()` is not ordered with the reader's look at it when the
    /// `free.wait()` before that look was released by another thread (the line writer). A
    /// plain flag there was a data race: ThreadSanitizer stopped a SIGTERM'd replay in CI
    /// (exit 66). Here the reader looks at the flag after the "writer" releases it and before
    /// the stop, with no order between the two; the run must still end after one fill.
    @Test func aStopNotOrderedWithTheReadersLookEndsTheRun() throws {
        let schema = try CSVSchema(header: ["key", "f0"], keyColumn: "key")
        let slots = (0..<2).map { _ in ParsedBatch(schema: schema, capacity: 4, explainCount: 0) }
        let free = DispatchSemaphore(value: 0)
        let filled = DispatchSemaphore(value: 0)
        let handOver = SlotHandOver(slots: slots, free: free, filled: filled)
        let progress = FillProgress()
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            handOver.run { _ in
                progress.entered.store(true, ordering: .relaxed)
                while !progress.released.load(ordering: .relaxed) { usleep(100) }
            }
            finished.signal()
        }
        reader.start()
        let writer = Thread { free.signal() }
        writer.start()
        // Relaxed atomics give ThreadSanitizer no order between the reader's look at the flag
        // and the stop below (a semaphore here would, and hide the race this test is for).
        while !progress.entered.load(ordering: .relaxed) { usleep(100) }
        handOver.stop()
        progress.released.store(true, ordering: .relaxed)
        free.signal()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(filled.wait(timeout: .now()) == .success)  // the one fill
        #expect(filled.wait(timeout: .now()) == .timedOut)  // and no other
    }
}

/// The test's reader thread's progress, shared through relaxed atomics only.
private final class FillProgress: Sendable {
    let entered = Atomic<Bool>(false)
    let released = Atomic<Bool>(false)
}
