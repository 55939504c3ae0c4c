import ClipStreamCore
import ClipStreamEngine
import Testing

/// `RowBatch.explainAbove`: rows scoring at or below it skip the top-k attribution (a replay's
/// summary keeps only the highest scores), and nothing else about any row changes.
@Suite("ShardedEngine: attribution only above a score floor")
struct AttributionFloorTests {
    @Test(arguments: [1, 3])
    func rowsAboveTheFloorKeepTheirAttributionAndTheRestAreCleared(shardCount: Int) throws {
        let stream = try RecordedStream.hardCase(rows: 6_000, keys: 5, dimension: 12)
        let k = 3
        let reference = try scoreWithEngine(stream, shardCount: shardCount, batchCapacity: 500, explainCount: k)
        // The median reported score: about half the rows on each side.
        let floor = reference.map(\.scoreValue).sorted()[reference.count / 2]

        let engine = try ShardedEngine(
            configuration: Configuration(dimension: stream.dimension), shardCount: shardCount,
            batchCapacity: 500, logger: quietLogger)
        var run: [RowRecord] = []
        forEachBatch(of: stream, on: engine, batchCapacity: 500, explainCount: k) { batch in
            batch.explainAbove = floor
            engine.process(&batch)
            for i in 0..<batch.count {
                run.append(RowRecord(
                    batch.results[i], topIndices: Array(batch.topIndices[i * k..<(i + 1) * k]),
                    topShares: Array(batch.topShares[i * k..<(i + 1) * k])))
            }
        }

        #expect(run.count == reference.count)
        var attributed = 0
        var cleared = 0
        for (mine, theirs) in zip(run, reference) {
            var withoutAttribution = mine
            withoutAttribution.topIndices = theirs.topIndices
            withoutAttribution.topShares = theirs.topShares
            // Scores, thresholds, decisions and the model's path are untouched.
            #expect(withoutAttribution == theirs)
            if mine.scoreValue > floor {
                #expect(mine.topIndices == theirs.topIndices && mine.topShares == theirs.topShares)
                attributed += 1
            } else {
                #expect(mine.topIndices == [0, 1, 2] && mine.topShares == [0, 0, 0])
                cleared += 1
            }
        }
        #expect(attributed > 2_000 && cleared > 2_000)
        // The reference really attributes the rows that were cleared here.
        #expect(reference.contains { $0.scoreValue <= floor && $0.topShares != [0, 0, 0] })
    }

    /// `RowBatch.explainsAlerts` with no floor (`--alerts-only`): every alert keeps its
    /// attribution, every other row is cleared, and nothing else changes.
    @Test(arguments: [1, 3])
    func alertsAloneKeepTheirAttribution(shardCount: Int) throws {
        let stream = try RecordedStream.hardCase(rows: 6_000, keys: 5, dimension: 12)
        let k = 3
        let reference = try scoreWithEngine(stream, shardCount: shardCount, batchCapacity: 500, explainCount: k)
        let engine = try ShardedEngine(
            configuration: Configuration(dimension: stream.dimension), shardCount: shardCount,
            batchCapacity: 500, logger: quietLogger)
        var run: [RowRecord] = []
        var alertsInRun = 0
        forEachBatch(of: stream, on: engine, batchCapacity: 500, explainCount: k) { batch in
            batch.explainAbove = .infinity
            batch.explainsAlerts = true
            engine.process(&batch)
            for i in 0..<batch.count {
                if batch.results[i].decision == .alert { alertsInRun += 1 }
                run.append(RowRecord(
                    batch.results[i], topIndices: Array(batch.topIndices[i * k..<(i + 1) * k]),
                    topShares: Array(batch.topShares[i * k..<(i + 1) * k])))
            }
        }

        #expect(run.count == reference.count)
        #expect(alertsInRun > 20)
        for (mine, theirs) in zip(run, reference) {
            var withoutAttribution = mine
            withoutAttribution.topIndices = theirs.topIndices
            withoutAttribution.topShares = theirs.topShares
            #expect(withoutAttribution == theirs)
            if mine.decision == AlertDecision.alert.rawValue {
                #expect(mine.topIndices == theirs.topIndices && mine.topShares == theirs.topShares)
                #expect(mine.topShares != [0, 0, 0])
            } else {
                #expect(mine.topIndices == [0, 1, 2] && mine.topShares == [0, 0, 0])
            }
        }
    }
}
