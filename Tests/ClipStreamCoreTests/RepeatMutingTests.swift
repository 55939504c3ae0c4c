@testable import ClipStreamCore
import Testing

/// Alerts that repeat a key's habit are muted (``AlertHabit``); others are not.
struct RepeatMutingTests {
    /// Decisions of one key of 8 Gaussian columns, 6,000 rows, with `spike(t)` added to row `t`
    /// (column and size, or nil), under `muting`.
    static func decisions(
        _ muting: RepeatMuting, spike: (Int) -> (column: Int, size: Float)?
    ) -> [AlertDecision] {
        var c = Configuration(dimension: 8)
        c.repeatMuting = muting
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 11)
        return (0..<6_000).map { t in
            var row = noise.row(mean: Array(repeating: 0, count: 8))
            if let (column, size) = spike(t) { row[column] += size }
            return detector.process(row: row, slot: slot).decision
        }
    }

    /// Rows `t` with a spike: every 150th row past the warm-up.
    static func isSpikeRow(_ t: Int) -> Bool { t >= 300 && t % 150 == 0 }

    @Test func oneColumnSpikingAgainAndAgainIsMutedOnceItsHabitReachesThree() {
        let spike = { (t: Int) in Self.isSpikeRow(t) ? (column: 2, size: Float(25)) : nil }
        let muted = Self.decisions(.on, spike: spike)
        let raised = Self.decisions(.off, spike: spike)
        let spikeRows = (0..<6_000).filter(Self.isSpikeRow)
        // Without muting every spike alerts. With it, the first four do: before the fourth the
        // decayed count is 1 + e^-0.075 + e^-0.15 = 2.79, before the fifth 3.59, and the rest
        // are withheld. Every other row decides as before.
        #expect(spikeRows.allSatisfy { raised[$0] == .alert })
        #expect(spikeRows.prefix(4).allSatisfy { muted[$0] == .alert })
        #expect(spikeRows.dropFirst(4).allSatisfy { muted[$0] == .withheld })
        for t in 0..<6_000 where !spikeRows.contains(t) {
            #expect(muted[t] == raised[t], "row \(t)")
        }
    }

    @Test func aHabitFadesOverItsMemory() {
        // Four spikes 10 rows apart (the fourth finds a count of 2.97), then a fifth: 10 rows
        // later it finds 3.94 and is muted; 5,470 rows later the habit has decayed to 0.27 and
        // it alerts.
        for (fifth, muted) in [(440, true), (5_900, false)] {
            let rows: Set = [400, 410, 420, 430, fifth]
            let decisions = Self.decisions(.on) { rows.contains($0) ? (column: 5, size: 25) : nil }
            #expect([400, 410, 420, 430].allSatisfy { decisions[$0] == .alert })
            #expect(decisions[fifth] == (muted ? .withheld : .alert), "fifth spike at \(fifth)")
        }
    }

    @Test func spikesInChangingColumnsOrSpreadOverTheRowAreNotMuted() {
        // A different column each time (the hard case's one-column spikes).
        let rotating = Self.decisions(.on) { t in Self.isSpikeRow(t) ? (column: (t / 150) % 8, size: 25) : nil }
        // Every column at once: no column holds 60% of the deviation.
        var c = Configuration(dimension: 8)
        c.repeatMuting = .on
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 11)
        let spread: [AlertDecision] = (0..<6_000).map { t in
            var row = noise.row(mean: Array(repeating: 0, count: 8))
            if Self.isSpikeRow(t) { row = row.map { $0 + 12 } }
            return detector.process(row: row, slot: slot).decision
        }
        let spikeRows = (0..<6_000).filter(Self.isSpikeRow)
        #expect(spikeRows.allSatisfy { rotating[$0] != .withheld })
        #expect(spikeRows.allSatisfy { spread[$0] == .alert })
    }

    @Test func autoMutesWideLocationModelsOnly() {
        func effective(_ dimension: Int, lags: Int = 0, model: ModelKind = .location) -> RepeatMuting {
            var c = Configuration(dimension: dimension)
            c.lags = lags
            c.model = model
            return c.effectiveRepeatMuting
        }
        #expect(effective(38) == .on)
        #expect(effective(5) == .on)
        #expect(effective(4) == .off)  // narrow: one column carries every alert
        #expect(effective(1, lags: 8) == .off)
        #expect(effective(1_024) == .on)  // 8 slots: 72 bytes a key at any width
        #expect(effective(16, lags: 4) == .on)
        #expect(effective(38, model: .linear(target: 0)) == .off)
        var c = Configuration(dimension: 38)
        c.model = .linear(target: 0)
        c.repeatMuting = .on
        #expect(throws: ConfigurationError.self) { try c.validate() }
        #expect(c.settings.contains { $0 == ("mute-repeats", "off") })
    }

    @Test func theHabitIsPartOfTheSnapshotAndABadOneIsRefused() throws {
        var c = Configuration(dimension: 8)
        c.repeatMuting = .on
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 3)
        for t in 0..<1_000 {
            var row = noise.row(mean: Array(repeating: 0, count: 8))
            if Self.isSpikeRow(t) { row[1] += 25 }
            _ = detector.process(row: row, slot: slot)
        }
        let snapshot = detector.snapshot(slot: slot)
        let layout = try #require(c.alertHabitLayout)
        let start = c.alertHabitBlockOffset
        // The habit ends where the sustained deviation (8 values) starts, before the histogram.
        #expect(start + layout.storageCount == c.sustainedDeviationBlockOffset)
        #expect(snapshot.values.count == start + layout.storageCount + 8 + ScoreCalibration.storageCount)
        #expect(layout.storageCount == 18)
        // Five spikes at rows 301 ... 901 (1-based), column 1 counted in the first slot, the
        // last row 901.
        #expect(snapshot.values[start] == 1)
        #expect(snapshot.values[start + 8] > 3 && snapshot.values[start + 8] < 5)
        #expect(snapshot.values[start + 16] == 0 && snapshot.values[start + 17] == 901)
        #expect(snapshot.isSound(for: c))
        let bad: [(Int, Float)] = [
            (start, 8), (start, 0.5), (start + 8, -1), (start + 17, 0.5), (start + 17, Float(1 << 24)),
        ]
        for (index, bad) in bad {
            var broken = snapshot
            broken.values[index] = bad
            #expect(!broken.isSound(for: c), "value \(index) = \(bad)")
        }
    }
}

/// The habit's row is two exact `Float`s, so its decay stays exact past `2^24` rows; its slots
/// keep the strongest columns.
struct AlertHabitRowTests {
    @Test func rowsBeyondTwoToTheTwentyFourDecayByTheirTrueAge() {
        let habit = AlertHabit(dimension: 2)
        var block = [Float](repeating: 0, count: habit.storageCount)
        var z: [Float] = [4, 0.5]
        let start = (1 << 30) + 12_345
        block.withUnsafeMutableBufferPointer { b in
            // Three alerts of column 0, 10 rows apart: the third finds two before it.
            for k in 0..<3 {
                #expect(!habit.mutesAlert(z: &z, row: start + 10 * k, block: b.baseAddress!))
            }
            // A fourth 2,000 rows after the third finds about 2.99 / e = 1.1: not muted.
            #expect(!habit.mutesAlert(z: &z, row: start + 2_020, block: b.baseAddress!))
        }
        let third = 1 + (1 + Double.exp(-0.005)) * Double.exp(-0.005)
        #expect(block[0] == 0 && abs(Double(block[8]) - (1 + third * Double.exp(-1))) < 1e-5)
        #expect(block[9...15].allSatisfy { $0 == 0 })
        #expect(Int(block[16]) << 24 + Int(block[17]) == start + 2_020)
    }

    /// A 200-row storm in one column counts every row, but only up to ``AlertHabit/ceiling``:
    /// 2,000 rows after it the count is 20 / e = 7.4 (muted), 2,500 rows after that 8.4 e^-1.25
    /// = 2.4, and the column alerts again (uncapped, the count was near 180, and it stayed
    /// muted for some 9,000 rows).
    @Test func aLongStormLeavesAHabitThatFades() {
        let habit = AlertHabit(dimension: 4)
        var block = [Float](repeating: 0, count: habit.storageCount)
        let z: [Float] = [0.1, 0.1, 9, 0.1]
        block.withUnsafeMutableBufferPointer { b in
            for row in 1_000..<1_200 { _ = habit.mutesAlert(z: z, row: row, block: b.baseAddress!) }
            #expect(b[8] == AlertHabit.ceiling)
            #expect(habit.mutesAlert(z: z, row: 1_199 + 2_000, block: b.baseAddress!))
            #expect(!habit.mutesAlert(z: z, row: 1_199 + 2_000 + 2_500, block: b.baseAddress!))
        }
    }

    @Test func aNinthColumnTakesTheWeakestSlotAndStartsAtOne() {
        let habit = AlertHabit(dimension: 12)
        var block = [Float](repeating: 0, count: habit.storageCount)
        func alert(_ column: Int, row: Int) -> Bool {
            var z = [Float](repeating: 0.1, count: 12)
            z[column] = 10
            return block.withUnsafeMutableBufferPointer {
                habit.mutesAlert(z: z, row: row, block: $0.baseAddress!)
            }
        }
        // Columns 1 ... 8 fill the slots, column 3 five times (muted from its fifth, as its
        // count before it is 4 less its decay): the rest once each.
        var row = 100
        for column in 1...8 {
            for _ in 0..<(column == 3 ? 5 : 1) {
                row += 1
                let muted = alert(column, row: row)
                #expect(muted == (column == 3 && row == 107), "column \(column) row \(row)")
            }
        }
        #expect(Set(block[0..<8]) == Set((1...8).map(Float.init)))
        // Column 11 replaces the weakest (the oldest of the single ones: column 1) at count 1.
        row += 1
        #expect(!alert(11, row: row))
        let slot = block[0..<8].firstIndex(of: 11)
        #expect(slot == 0, "\(block)")
        #expect(block[8] == 1)
        #expect(habit.habits(block[...])?.columns.first?.column == 3)
        block[0] = .nan
        #expect(habit.habits(block[...]) == nil)
    }
}

/// A crafted state cannot hold counters a key's rows could not have reached (a run counter at
/// `Int32.max` trapped on the next increment), and counters saturate instead of trapping.
struct KeyStateBoundsTests {
    @Test func countersBeyondTheRowCountAreRefusedAndIncrementsSaturate() {
        var c = Configuration(dimension: 8)
        c.repeatMuting = .on
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 3)
        for _ in 0..<50 { _ = detector.process(row: noise.row(mean: Array(repeating: 0, count: 8)), slot: slot) }
        let snapshot = detector.snapshot(slot: slot)
        #expect(snapshot.isSound(for: c))
        for corrupt in [
            { (s: inout KeyState) in s.farRunLength = .max }, { $0.runLength = 51 }, { $0.lowRunVaried = 1 },
            { $0.scheduleRow = 51 }, { $0.rowCount = 1 << 62 }, { $0.quietRowsLeft = 2_000_000 },
        ] {
            var broken = snapshot
            corrupt(&broken.state)
            #expect(!broken.isSound(for: c), "\(broken.state)")
        }
        // The habit's last row may not lie past the key's rows.
        var late = snapshot
        late.values[c.alertHabitBlockOffset + 17] = 51
        #expect(!late.isSound(for: c))
        #expect(Int32.max.saturatingIncrement == .max && Int32(7).saturatingIncrement == 8)
    }
}
