import ClipStreamEngine

/// The order in which `clipstream bench` visits keys.
enum BenchKeyOrder: String, CaseIterable {
    /// Every key once per tick, in the same order each tick (a fleet reporting in lockstep).
    case roundRobin = "round-robin"
    /// Each row's key drawn uniformly at random (seeded): no locality between consecutive rows.
    case random
}

/// The benchmark's fixed input: a pre-generated buffer of rows, cycled, and the key of each
/// buffer row. The input never grows with `--rows`, so a long run measures the engine, not
/// the allocator or the generator.
struct BenchInput {
    let dimension: Int
    /// Rows in the buffer: whole ticks (a multiple of the key count), at least one.
    let rowCount: Int
    /// `rowCount * dimension` values, uniform in [-1, 1).
    private(set) var values: [Float]
    /// The key (index into the engine's handles) of each buffer row.
    private(set) var keyOfRow: [Int32]

    /// Generates about `megabytes` MB of rows for `keys` keys, deterministically.
    init(dimension: Int, keys: Int, megabytes: Int, order: BenchKeyOrder) {
        self.dimension = dimension
        let bytesPerRow = dimension * MemoryLayout<Float>.stride
        rowCount = max(keys, (megabytes << 20) / bytesPerRow / keys * keys)
        var generator = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        values = (0..<(rowCount * dimension)).map { _ in generator.nextUniform() }
        switch order {
        case .roundRobin:
            keyOfRow = (0..<rowCount).map { Int32(truncatingIfNeeded: $0 % keys) }
        case .random:
            keyOfRow = (0..<rowCount).map { _ in
                Int32(truncatingIfNeeded: Int(generator.next() % UInt64(keys)))
            }
        }
    }

    /// Feeds `count` rows from `cursor` on (wrapping) through `engine` in batches. By default
    /// the engine reads each batch's rows in place (a batch never wraps around the buffer's
    /// end); with `copying`, rows are first copied into the batch, as `score` parses into it.
    func run(
        _ count: Int, from cursor: inout Int, engine: ShardedEngine, handles: [KeyHandle],
        batch: inout RowBatch, copying: Bool
    ) {
        let d = dimension
        values.withUnsafeBufferPointer { all in
            keyOfRow.withUnsafeBufferPointer { keys in
                handles.withUnsafeBufferPointer { handles in
                    let base = all.baseAddress.unsafelyUnwrapped
                    var done = 0
                    while done < count {
                        batch.removeAll()
                        let first = cursor
                        let rows = min(batch.capacity, count - done, rowCount - first)
                        for row in first..<(first + rows) {
                            let handle = handles[Int(keys[row])]
                            if copying {
                                batch.append(handle: handle, copying: base + row * d)
                            } else {
                                batch.append(handle: handle)
                            }
                        }
                        if copying {
                            engine.process(&batch)
                        } else {
                            engine.process(&batch, rows: base + first * d)
                        }
                        cursor = first + rows == rowCount ? 0 : first + rows
                        done += rows
                    }
                }
            }
        }
    }
}

/// xorshift64: cheap and deterministic; the values' law does not matter to throughput.
private struct XorShift {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// Uniform in [-1, 1).
    mutating func nextUniform() -> Float {
        Float(Int64(bitPattern: next() >> 11) - (1 << 52)) / Float(1 << 52)
    }
}
