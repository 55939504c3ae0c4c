import Foundation

/// Results of independent jobs run by concurrent workers (`concurrentPerform`), one slot per
/// job, read back in job order once every worker is done.
public final class ConcurrentResults<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Stores job `index`'s outcome (each index once).
    public func set(_ index: Int, _ value: Result<Value, any Error>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// Every job's value in order; rethrows the first failure.
    public func values() throws -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.map { try $0!.get() }
    }
}
