/// One key's complete model state, detached from its bank: for saving, loading and
/// inspecting a model.
public struct KeySnapshot: Sendable, Equatable {
    /// The key's scalars.
    public var state: KeyState
    /// The key's vectors, concatenated: `theta` and `scale` (`d` values each, `d` the model
    /// dimension), the lag window, the reference block (seasonal, then whitening), then the score-calibration
    /// histogram.
    public var values: [Float]

    /// Whether the snapshot could come from a model of model dimension `dimension`: every value
    /// finite, every scale positive, histogram counts and row counts not negative, trackers in
    /// range. A loaded state is checked with this, so a crafted file cannot poison a model.
    public func isSound(dimension d: Int) -> Bool {
        let s = state
        guard values.count >= 2 * d + ScoreCalibration.storageCount,
            values.allSatisfy(\.isFinite),
            values[d..<2 * d].allSatisfy({ $0 > 0 }),
            values.suffix(ScoreCalibration.storageCount).allSatisfy({ $0 >= 0 }),
            // Counters within what `rowCount` rows can reach, and `rowCount` far from overflow.
            (0..<(1 << 62)).contains(s.rowCount), (0...s.rowCount).contains(s.scheduleRow),
            s.quietRowsLeft >= 0, s.quietRowsLeft <= 1_000_000,
            [s.runLength, s.lowRunLength, s.farRunLength].allSatisfy({ $0 >= 0 && Int($0) <= s.rowCount }),
            s.lowRunVaried >= 0, s.lowRunVaried <= s.lowRunLength, s.rescalesNext == 0 || s.rescalesNext == 1,
            s.clipLevel.isFinite, s.clipLevel >= 0,
            s.scoreLower.isFinite, s.scoreLower > 0, s.scoreUpper.isFinite, s.scoreUpper > 0,
            s.sustainedScore.isFinite, s.sustainedScore >= 0,
            // What `learn` can reach: the weight is rescaled to 1 past `rescaleWeight`, and the
            // mass is a geometric sum of weights (a crafted weight of 1e39 made the next
            // calibrated score infinite, and the writer trapped).
            s.calibrationWeight >= 1, s.calibrationWeight <= ScoreCalibration.rescaleWeight,
            s.calibrationMass >= 0,
            s.calibrationMass <= ScoreCalibration.rescaleWeight * ScoreCalibration.growth / (ScoreCalibration.growth - 1)
        else { return false }
        return true
    }

    /// ``isSound(dimension:)`` for a model of `configuration`, and a seasonal block, a
    /// whitening block, an alert habit and a sustained deviation (if any) that its
    /// ``SeasonalReference``, ``ResidualWhitening``, ``AlertHabit`` and ``SustainedDeviation``
    /// could have written.
    public func isSound(for configuration: Configuration) -> Bool {
        let d = configuration.modelDimension
        guard isSound(dimension: d) else { return false }
        // The `count` values from `start` (none when the snapshot is shorter: each layout
        // refuses a block of the wrong size).
        func slice(_ start: Int, _ count: Int) -> ArraySlice<Float> {
            values.count >= start + count ? values[start..<(start + count)] : []
        }
        let seasonal = configuration.seasonalLayout.map {
            $0.isSound(slice(configuration.seasonalBlockOffset, $0.storageCount))
        }
        let whitening = configuration.whiteningLayout.map {
            $0.isSound(slice(configuration.whiteningBlockOffset, $0.storageCount))
        }
        let habit = configuration.alertHabitLayout.map { layout -> Bool in
            let block = slice(configuration.alertHabitBlockOffset, layout.storageCount)
            // `habits` is nil for a block that is not sound.
            return layout.habits(block).map { $0.lastRow <= state.rowCount } ?? false
        }
        let sustained = configuration.sustainedDeviationLayout.map {
            $0.isSound(slice(configuration.sustainedDeviationBlockOffset, $0.storageCount))
        }
        return (seasonal ?? true) && (whitening ?? true) && (habit ?? true) && (sustained ?? true)
    }

    /// A snapshot of `state` and `values`.
    public init(state: KeyState, values: [Float]) {
        self.state = state
        self.values = values
    }
}

extension EstimatorBank {
    /// `Float`s per key in a ``KeySnapshot``.
    public var valuesPerKey: Int { 2 * dimension + lagWidth + blockWidth + ScoreCalibration.storageCount }

    /// A copy of one key's state.
    public func snapshot(slot: Int) -> KeySnapshot {
        var values: [Float] = []
        values.reserveCapacity(valuesPerKey)
        values += location(slot: slot)
        values += scaleEstimate(slot: slot)
        values += lagWindow(slot: slot)
        values += referenceBlock(slot: slot)
        values += calibrationHistogram(slot: slot)
        return KeySnapshot(state: state(slot: slot), values: values)
    }

    /// Overwrites one key's state with `snapshot` (which must have ``valuesPerKey`` values).
    public mutating func restore(_ snapshot: KeySnapshot, slot: Int) {
        precondition(snapshot.values.count == valuesPerKey, "snapshot of another dimension")
        let d = dimension
        let w = lagWidth
        let reference = blockWidth
        withStorage { storage in
            snapshot.values.withUnsafeBufferPointer { v in
                let base = v.baseAddress!
                storage.theta(slot).update(from: base, count: d)
                storage.scale(slot).update(from: base + d, count: d)
                if w > 0 { storage.lagWindow(slot).update(from: base + 2 * d, count: w) }
                if reference > 0 { storage.block(slot).update(from: base + 2 * d + w, count: reference) }
                storage.histogram(slot).update(
                    from: base + 2 * d + w + reference, count: ScoreCalibration.storageCount)
                storage.state(slot).pointee = snapshot.state
            }
        }
    }
}
