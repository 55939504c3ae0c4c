import ClipStreamCore
import ClipStreamEngine

/// The scoring thread's side of a run: key resolution, the engine, the observer, the counters.
/// The output lines are encoded on the writer thread (``BatchLineWriter``).
struct RunState {
    let engine: ShardedEngine
    let observer: (any ScoringObserver)?
    let maxKeys: Int?
    /// Whether the output lines carry attributions (then every row they show is attributed,
    /// whatever the observer's floor).
    let outputExplains: Bool
    /// Whether the output shows only the alerts (`--alerts-only`): the other rows need an
    /// attribution only for the observer.
    let outputAlertsOnly: Bool
    var summary = ScoringSummary()
    /// Rows with key ids (archives, and CSV without `--max-keys`): the keys by id, and each
    /// one's engine handle once resolved (one dictionary lookup per key instead of one per
    /// row). Unused under a key limit, where handles can be evicted: the rows then go by name.
    private var idKeys: [String] = []
    private var idHandles: [KeyHandle?] = []

    init(
        engine: ShardedEngine, observer: (any ScoringObserver)?, maxKeys: Int?, outputExplains: Bool,
        outputAlertsOnly: Bool = false
    ) {
        self.engine = engine
        self.observer = observer
        self.maxKeys = maxKeys
        self.outputExplains = outputExplains
        self.outputAlertsOnly = outputAlertsOnly
    }

    /// Drops the rows of keys that would exceed `maxKeys`, in input order (a key admitted
    /// earlier in the same batch counts).
    private mutating func rejectBeyondLimit(_ slot: ParsedBatch, limit: Int) {
        let engine = self.engine
        var admitted = Set<ByteKey>()  // by bytes, as the engine tells keys apart
        var rejected = 0
        slot.removeRows { i in
            let key = slot.keys[i]
            if engine.router.existingHandle(for: key) != nil || admitted.contains(ByteKey(key)) { return true }
            if engine.keyCount + admitted.count < limit {
                admitted.insert(ByteKey(key))
                return true
            }
            rejected += 1
            return false
        }
        summary.rejected += rejected
    }

    /// Resolves the slot's keys (creating new ones, in input order), scores its rows and shows
    /// them to the observer; the slot then goes to the writer thread.
    mutating func score(_ slot: ParsedBatch) {
        if slot.usesKeyIDs {
            idKeys += slot.introducedKeys
            idHandles += repeatElement(nil, count: slot.introducedKeys.count)
            if maxKeys != nil || engine.keyLimit != nil {
                slot.keys = slot.keyIDs.map { idKeys[Int($0)] }
                slot.usesKeyIDs = false
            }
        }
        guard slot.batch.count > 0 else { return }
        if let maxKeys, engine.keyCount + slot.batch.count > maxKeys { rejectBeyondLimit(slot, limit: maxKeys) }
        guard slot.batch.count > 0 else { return }
        if slot.usesKeyIDs {
            resolveKeyIDs(slot)
        } else {
            for i in 0..<slot.batch.count {
                slot.batch.setHandle(engine.handle(for: slot.keys[i]), at: i)
            }
        }
        // Attributed: every row the output shows, and the rows the observer keeps.
        let floor = observer?.scoreFloor
        if !outputExplains {
            slot.batch.explainAbove = floor ?? -.infinity
        } else if outputAlertsOnly {
            // The output shows the alerts alone.
            slot.batch.explainAbove = floor ?? .infinity
        } else {
            slot.batch.explainAbove = -.infinity
        }
        slot.batch.explainsAlerts = outputExplains && outputAlertsOnly
        engine.process(&slot.batch)
        let batch = slot.batch
        var counts = RowCounts()
        for i in 0..<batch.count { counts.count(batch.results[i]) }
        summary.counts.add(counts)
        if let observer {
            observer.counted(counts)
            show(slot, to: observer, above: floor ?? -.infinity)
        }
    }

    /// Shows the observer the batch's alerts and the rows scoring above `floor`.
    private func show(_ slot: ParsedBatch, to observer: any ScoringObserver, above floor: Double) {
        let batch = slot.batch
        let ranges = slot.echoRanges
        let k = batch.explainCount
        slot.echo.withUnsafeBytes { echoBytes in
            batch.topIndices.withUnsafeBufferPointer { indices in
                batch.topShares.withUnsafeBufferPointer { shares in
                    for i in 0..<batch.count {
                        let result = batch.results[i]
                        if result.score <= floor && result.decision != .alert { continue }
                        // The parsed name, not the router's: with eviction, a slot may hold
                        // another key by the time the batch is written.
                        let key = slot.usesKeyIDs ? idKeys[Int(slot.keyIDs[i])] : slot.keys[i]
                        let label = UnsafeRawBufferPointer(rebasing: echoBytes[ranges[i * 4]..<ranges[i * 4 + 1]])
                        observer.scored(
                            row: slot.rowNumbers[i], key: key, result: result, label: label,
                            topIndices: (indices.baseAddress ?? Self.noIndex) + i * k,
                            topShares: (shares.baseAddress ?? Self.noShare) + i * k, explainCount: k)
                    }
                }
            }
        }
    }

    /// Sets each row's handle from its key id, creating keys (in input order, as a
    /// lookup by name would) on their first row.
    private mutating func resolveKeyIDs(_ slot: ParsedBatch) {
        let engine = self.engine
        let keys = idKeys
        var handles = idHandles
        idHandles = []
        defer { idHandles = handles }
        // One exclusivity check for the loop (the ids and the batch are both the slot's rows).
        slot.withRows { rows in
            rows.keyIDs.withUnsafeBufferPointer { ids in
                for i in 0..<ids.count {
                    let id = Int(ids[i])
                    if let handle = handles[id] {
                        rows.batch.setHandle(handle, at: i)
                    } else {
                        let handle = engine.handle(for: keys[id])
                        handles[id] = handle
                        rows.batch.setHandle(handle, at: i)
                    }
                }
            }
        }
    }

    // Never dereferenced: used when explainCount == 0 and the attribution arrays are empty.
    nonisolated(unsafe) static let noIndex = UnsafePointer<Int32>(bitPattern: 8)!
    nonisolated(unsafe) static let noShare = UnsafePointer<Float>(bitPattern: 8)!
}
