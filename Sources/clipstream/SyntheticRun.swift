import ClipStreamCore
import ClipStreamEngine
import ClipStreamIO
import ClipStreamSynthetic
import Foundation

/// A generated stream scored in memory: every row's result and the engine's time.
struct SyntheticRun {
    struct Alert {
        var row: Int
        var key: String
        var score: Double
        var threshold: Double
        var kind: AnomalyKind?
        var top: [(index: Int32, share: Float)]
    }

    var scores: [Double] = []
    var labels: [Bool] = []
    var alerts: [Bool] = []
    /// What the rows decided (withheld, muted, late in a run).
    var counts = RowCounts()
    /// Per anomaly kind: (alerted, total).
    var recallByKind: [AnomalyKind: (alerted: Int, total: Int)] = [:]
    /// Alerts on `spike-one` rows, and how many of them name the moved feature first.
    var spikeOneAlerts = 0
    var spikeOneNamed = 0
    var topAlerts: [Alert] = []
    /// How many of the highest-scoring alerts ``topAlerts`` keeps.
    var topCount = 32
    var engineSeconds = 0.0
    var dimension = 0

    /// Generates the whole stream batch by batch, timing only `engine.process`.
    /// - Parameter topCount: alerts kept in ``topAlerts`` (the highest scores; at least 32).
    static func execute(
        stream: HardCaseStream, engine: ShardedEngine, explainCount: Int, batchCapacity: Int = 4096,
        topCount: Int = 32
    ) throws -> SyntheticRun {
        var stream = stream
        let d = stream.configuration.dimension
        var run = SyntheticRun()
        run.dimension = d
        run.topCount = max(topCount, 32)
        // Grown as needed past this: the reservation must not be the crash (`--rows` at Int.max).
        run.scores.reserveCapacity(min(stream.configuration.rows, 1 << 24))
        let handles = stream.keyNames.map { engine.handle(for: $0) }
        var batch = RowBatch(dimension: d, capacity: batchCapacity, explainCount: explainCount)
        var infos: [GeneratedRowInfo] = []
        infos.reserveCapacity(batchCapacity)
        var done = false
        while !done {
            batch.removeAll()
            infos.removeAll(keepingCapacity: true)
            while !batch.isFull {
                var info: GeneratedRowInfo?
                batch.append(handle: handles[0]) { values in info = stream.next(into: values) }
                guard let row = info else {
                    batch.removeLast()
                    done = true
                    break
                }
                batch.setHandle(handles[row.key], at: batch.count - 1)
                infos.append(row)
            }
            let start = DispatchTime.now().uptimeNanoseconds
            engine.process(&batch)
            run.engineSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            run.collect(batch: batch, infos: infos, engine: engine, handles: handles)
        }
        return run
    }

    private mutating func collect(
        batch: RowBatch, infos: [GeneratedRowInfo], engine: ShardedEngine, handles: [KeyHandle]
    ) {
        let k = batch.explainCount
        for i in 0..<batch.count {
            let result = batch.results[i]
            scores.append(result.score)
            labels.append(infos[i].isAnomaly)
            alerts.append(result.decision == .alert)
            counts.count(result)
            if let kind = infos[i].kind {
                var entry = recallByKind[kind, default: (0, 0)]
                entry.total += 1
                if result.decision == .alert { entry.alerted += 1 }
                recallByKind[kind] = entry
            }
            guard result.decision == .alert else { continue }
            if let moved = infos[i].movedFeature, k > 0 {
                spikeOneAlerts += 1
                if Int(batch.topIndices[i * k]) == moved { spikeOneNamed += 1 }
            }
            let top = (0..<k).map { (batch.topIndices[i * k + $0], batch.topShares[i * k + $0]) }
            topAlerts.append(Alert(
                row: infos[i].index + 1, key: engine.name(of: handles[infos[i].key]),
                score: result.score, threshold: result.threshold, kind: infos[i].kind, top: top))
            if topAlerts.count > 2 * topCount {
                topAlerts.sort { $0.score > $1.score }
                topAlerts.removeLast(topAlerts.count - topCount)
            }
        }
    }
}
