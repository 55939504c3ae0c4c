import ClipStreamCore
import ClipStreamEngine
import ClipStreamEvaluation
import ClipStreamSynthetic
import Testing

/// The estimator conformance suite (river's `checks`, see STYLE.md "Tests"), run on the engine.
@Suite("ShardedEngine conformance")
struct ConformanceTests {
    @Test(arguments: ModelUnderTest.allCases, [1, 3])
    func equalSeedsGiveEqualScores(model: ModelUnderTest, shardCount: Int) throws {
        let first = try model.stream(rows: 4_000, keys: 5, seed: 77)
        let second = try model.stream(rows: 4_000, keys: 5, seed: 77)
        #expect(first.values.map(\.bitPattern) == second.values.map(\.bitPattern))
        let a = try scoreWithEngine(
            first, shardCount: shardCount, explainCount: 2, configuration: model.configuration)
        let b = try scoreWithEngine(
            second, shardCount: shardCount, explainCount: 2, configuration: model.configuration)
        #expect(firstDifference(a, b) == nil)

        // Not vacuous: another seed gives other scores.
        let other = try model.stream(rows: 4_000, keys: 5, seed: 78)
        let c = try scoreWithEngine(
            other, shardCount: shardCount, explainCount: 2, configuration: model.configuration)
        #expect(a.map(\.score) != c.map(\.score))
    }

    @Test(arguments: ModelUnderTest.allCases, [(1, 5), (7, 4096)])
    func learningNeverMutatesTheInputBatch(model: ModelUnderTest, shape: (shards: Int, batch: Int)) throws {
        let stream = try model.stream(rows: 2_000, keys: 9, seed: 3)
        let engine = try ShardedEngine(
            configuration: model.configuration, shardCount: shape.shards, batchCapacity: shape.batch,
            logger: quietLogger)
        forEachBatch(of: stream, on: engine, batchCapacity: shape.batch, explainCount: 2) { batch in
            let values = batch.values.map(\.bitPattern)
            let (shards, slots) = (batch.shards, batch.slots)
            engine.process(&batch)
            #expect(batch.values.map(\.bitPattern) == values)
            #expect(batch.shards == shards && batch.slots == slots)
        }
    }

    /// Every shard count and batch size gives the same bits.
    @Test(arguments: ModelUnderTest.allCases)
    func shardsAndBatchesAgreeBitwise(model: ModelUnderTest) throws {
        let stream = try model.stream(rows: 3_000, keys: 7, seed: 5)
        let reference = try scoreWithEngine(
            stream, shardCount: 1, explainCount: 1, configuration: model.configuration)
        let split = try scoreWithEngine(
            stream, shardCount: 4, batchCapacity: 7, explainCount: 1, configuration: model.configuration)
        #expect(firstDifference(reference, split) == nil)
        #expect(Set(reference.map(\.score)).count > 100)
    }

    /// Learn-many (engine batches) equals a sequence of learn-one (the model's detector, one
    /// row at a time), bit for bit.
    @Test(arguments: ModelUnderTest.allCases, [1, 16])
    func learnManyEqualsLearnOne(model: ModelUnderTest, dimension: Int) throws {
        var configuration = model.configuration
        let stream: RecordedStream
        if model == .location {
            configuration = Configuration(dimension: dimension)
            stream = try RecordedStream.hardCase(rows: 3_000, keys: 4, dimension: dimension, seed: 21)
        } else {
            stream = RecordedStream.regression(
                rows: 3_000, keys: 4, features: dimension, logistic: model == .logistic, seed: 21)
            configuration = Configuration(dimension: dimension + 1)
            configuration.model = model == .linear ? .linear(target: 0) : .logistic(target: dimension)
        }
        let d = stream.dimension
        let many = try scoreWithEngine(stream, shardCount: 1, batchCapacity: 4096, configuration: configuration)

        var detector = ModelKind.makeDetector(configuration)
        var slots: [String: Int] = [:]
        var one: [RowRecord] = []
        for i in 0..<stream.rowCount {
            let key = stream.keys[i]
            let slot = slots[key] ?? detector.addKey()
            slots[key] = slot
            let row = Array(stream.values[i * d..<(i + 1) * d])
            one.append(RowRecord(detector.process(row: row, slot: slot)))
        }
        #expect(firstDifference(many, one) == nil)
    }

    /// A key's state saved mid-stream and restored into a fresh detector continues exactly as
    /// the original.
    @Test(arguments: ModelUnderTest.allCases)
    func stateRoundTrips(model: ModelUnderTest) throws {
        let stream = try model.stream(rows: 3_000, keys: 3, seed: 8)
        let d = stream.dimension
        var original = ModelKind.makeDetector(model.configuration)
        var slots: [String: Int] = [:]
        func row(_ i: Int) -> [Float] { Array(stream.values[i * d..<(i + 1) * d]) }
        for i in 0..<2_000 {
            let slot = slots[stream.keys[i]] ?? original.addKey()
            slots[stream.keys[i]] = slot
            _ = original.process(row: row(i), slot: slot)
        }
        var restored = ModelKind.makeDetector(model.configuration)
        for slot in 0..<original.keyCount {
            #expect(restored.addKey() == slot)
            let snapshot = original.snapshot(slot: slot)
            #expect(snapshot.isSound(dimension: model.configuration.modelDimension))
            restored.restore(snapshot, slot: slot)
            #expect(restored.snapshot(slot: slot) == snapshot)
        }
        for i in 2_000..<stream.rowCount {
            let slot = try #require(slots[stream.keys[i]])
            let a = RowRecord(original.process(row: row(i), slot: slot))
            let b = RowRecord(restored.process(row: row(i), slot: slot))
            #expect(a == b, "row \(i)")
            if a != b { break }
        }
    }

    /// Any model's AUC beats chance on a drifting stream with anomalies (the location model's
    /// stricter bounds are below); the second bound guards against regressions. Measured: the
    /// location 0.994, linear 0.999; the logistic model 0.73 (above 0.8 without the coefficient changes: a
    /// key relearns its coefficients slowly at the long-memory rate, and a confident label
    /// flip is only surprising once they are relearned).
    @Test(arguments: ModelUnderTest.allCases)
    func everyModelBeatsChanceOnADriftingStream(model: ModelUnderTest) throws {
        let stream = try model.stream(rows: 40_000, keys: 4, seed: 12)
        #expect(stream.labels.contains(true))
        let run = try scoreWithEngine(stream, shardCount: 2, configuration: model.configuration)
        let auc = try #require(DetectionMetrics.rocAUC(scores: run.map(\.scoreValue), labels: stream.labels))
        #expect(auc > 0.5)
        #expect(auc > (model == .logistic ? 0.65 : 0.8), "ROC-AUC \(auc)")
    }

    /// One absurd sample (1e30 in every column, or in the target alone) moves any model by at
    /// most `eta * lambda` in its standardized norm: `theta / scale` for the location,
    /// `weights * scale` for a regression, whose rate is the normalized step's
    /// `min(1, d * eta)` (plus the logistic model's L2 shrinkage, `eta * l2 * ||weights * scale||`).
    @Test(arguments: ModelUnderTest.allCases, [false, true])
    func anAbsurdSampleMovesTheModelByAtMostEtaLambda(model: ModelUnderTest, targetOnly: Bool) throws {
        let configuration = model.configuration
        let d = configuration.modelDimension
        let stream = try model.stream(rows: 600, keys: 1, seed: 4)
        var detector = ModelKind.makeDetector(configuration)
        let slot = detector.addKey()
        for i in 0..<stream.rowCount {
            _ = detector.process(row: Array(stream.values[i * d..<(i + 1) * d]), slot: slot)
        }
        let before = detector.snapshot(slot: slot)
        var absurd = Array(stream.values[(stream.rowCount - 1) * d..<stream.rowCount * d])
        for j in 0..<d where !targetOnly || j == d - 1 { absurd[j] = 1e30 }
        let result = detector.process(row: absurd, slot: slot)
        let after = detector.snapshot(slot: slot)
        let schedule = LearningRateSchedule(configuration).rate(forRow: after.state.scheduleRow)
        // A regression's normalized step runs at `min(1, d * eta)` (RegressionStep).
        let eta = model == .location ? schedule : min(1, schedule * Double(d))

        var moved = 0.0
        var size = 0.0
        // The model is stored in Float: each coordinate may round by half an ulp.
        var rounding = 0.0
        for j in 0..<d {
            let scale = Double(before.values[d + j])
            let ulp = Double(after.values[j].ulp) / 2
            rounding += model == .location ? (ulp / scale) * (ulp / scale) : (ulp * scale) * (ulp * scale)
            let delta = Double(after.values[j]) - Double(before.values[j])
            let step = model == .location ? delta / scale : delta * scale
            moved += step * step
            size += Double(before.values[j]) * scale * Double(before.values[j]) * scale
        }
        #expect(result.tookClippedStep)
        // A logistic residual is at most 1, so a 1e30 label (read as 1) need not be clipped.
        if model != .logistic { #expect(result.clipped) }
        let shrinkage = model == .logistic ? eta * configuration.l2Penalty * size.squareRoot() : 0
        let bound = eta * result.clipThreshold + shrinkage
        #expect(
            moved.squareRoot() <= bound * (1 + 1e-5) + rounding.squareRoot(),
            "moved \(moved.squareRoot()), bound \(bound), rounding \(rounding.squareRoot())")
        // A row of 1e30 features moves a regression by eta * lambda / ||v||: below Float's
        // resolution of the weights.
        if targetOnly || model == .location { #expect(moved > 0) }
        #expect(after.isSound(dimension: d))
    }

    /// Detection quality on a stream with injected anomalies, slow drift and regime shifts.
    /// Conformance requires AUC > 0.5; the second bound guards against regressions. The drift
    /// here is 4x the demo's, fast for the long-memory defaults: d 1 measured 0.923 (0.968
    /// under the earlier short-memory defaults), d 8 and d 32 above 0.95.
    @Test(arguments: [1, 8, 32])
    func rocAUCBeatsChanceOnADriftingStream(dimension: Int) throws {
        var c = HardCaseConfiguration()
        c.rows = 30_000
        c.keys = 6
        c.dimension = dimension
        c.seed = 9
        c.constantColumns = dimension > 4 ? 2 : 0
        c.anomalyFraction = 0.02
        c.driftPerRow = 0.002
        c.regimeShiftEvery = 2_000
        let stream = try RecordedStream(c)
        #expect(stream.labels.contains(true))
        let run = try scoreWithEngine(stream, shardCount: 2)
        let auc = try #require(DetectionMetrics.rocAUC(scores: run.map(\.scoreValue), labels: stream.labels))
        #expect(auc > 0.5)
        #expect(auc > (dimension == 1 ? 0.9 : 0.95), "ROC-AUC \(auc)")
    }
}
