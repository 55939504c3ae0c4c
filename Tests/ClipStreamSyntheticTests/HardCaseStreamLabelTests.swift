import Testing

@testable import ClipStreamSynthetic

struct HardCaseStreamLabelTests {
    @Test func anomalyFractionWithinBinomialTolerance() throws {
        // Single-row anomalies: each eligible row (past warm-up, not a regime shift) is an anomaly
        // independently with p = 0.01, so the count is Binomial(E, p). With 8 keys x 12_500 rows,
        // warm-up 200, E is about 98_400: mean 984, sd sqrt(E p (1-p)) = 31.2. Budget 4 sd.
        let c = configuration(rows: 100_000, dimension: 8)
        var rowsSeen = [Int](repeating: 0, count: c.keys)
        var eligible = 0
        let infos = try runStream(c) { _, _, info in
            if rowsSeen[info.key] >= c.warmupRows, !info.isRegimeShift { eligible += 1 }
            rowsSeen[info.key] += 1
        }
        let anomalies = infos.filter(\.isAnomaly)
        let p = c.anomalyFraction
        let expected = Double(eligible) * p
        let sd = (Double(eligible) * p * (1 - p)).squareRoot()
        #expect(abs(Double(anomalies.count) - expected) < 4 * sd)
        // Given the total A, each kind's count is Binomial(A, 1/4): sd sqrt(A 3/16) = 13.6 at
        // A = 984. Budget 4 sd, which also proves every kind occurs.
        let kindSD = (Double(anomalies.count) * 3 / 16).squareRoot()
        for kind in AnomalyKind.allCases {
            let count = anomalies.filter { $0.kind == kind }.count
            #expect(abs(Double(count) - Double(anomalies.count) / 4) < 4 * kindSD, "\(kind)")
        }
        #expect(infos.allSatisfy { ($0.kind != nil) == $0.isAnomaly })
    }

    @Test func warmUpRowsHoldNoAnomalyAndNoRegimeShift() throws {
        var c = configuration(rows: 40_000, dimension: 6)
        c.anomalyFraction = 0.2
        c.warmupRows = 500
        c.regimeShiftEvery = 300  // Shorter than warm-up: the first shifts must still wait.
        var rowsSeen = [Int](repeating: 0, count: c.keys)
        var early = 0
        var shifts = 0
        _ = try runStream(c) { _, _, info in
            if rowsSeen[info.key] < c.warmupRows, info.isAnomaly || info.isRegimeShift {
                early += 1
            }
            if info.isRegimeShift {
                shifts += 1
                #expect(!info.isAnomaly)
            }
            rowsSeen[info.key] += 1
        }
        #expect(early == 0)
        #expect(shifts > 0)
    }

    @Test func regimeShiftsFollowEachKeysJitteredPeriod() throws {
        var c = configuration(rows: 80_000, dimension: 4)
        c.constantColumns = 1
        var rowsSeen = [Int](repeating: 0, count: c.keys)
        var shiftRows = [[Int]](repeating: [], count: c.keys)
        _ = try runStream(c) { _, _, info in
            if info.isRegimeShift { shiftRows[info.key].append(rowsSeen[info.key]) }
            rowsSeen[info.key] += 1
        }
        // 10_000 rows per key and periods in [4_000, 6_000]: one or two shifts per key, at
        // multiples of the key's own period.
        for rows in shiftRows {
            #expect((1...2).contains(rows.count))
            let period = rows[0]
            #expect((4_000...6_000).contains(period))
            #expect(rows.enumerated().allSatisfy { $1 == period * ($0 + 1) })
        }
        #expect(Set(shiftRows.map { $0[0] }).count > 1)
    }

    @Test func anomalySegmentsCoverWholeRunsOfOneKind() throws {
        var c = configuration(rows: 30_000, dimension: 4)
        c.constantColumns = 1
        c.anomalySegmentLength = 3
        c.anomalyFraction = 0.05
        var perKey = [[GeneratedRowInfo]](repeating: [], count: c.keys)
        let infos = try runStream(c) { _, _, info in perKey[info.key].append(info) }
        for rows in perKey {
            // Maximal runs of anomalous rows of one key. Back-to-back segments merge, so a run is
            // a whole number of 3-row segments, each of one kind (a run cut by the end of the
            // stream is skipped).
            var runs: [[GeneratedRowInfo]] = [[]]
            for info in rows {
                if info.isAnomaly { runs[runs.count - 1].append(info) } else { runs.append([]) }
            }
            for run in runs.dropLast() where !run.isEmpty {
                #expect(run.count % 3 == 0)
                for start in stride(from: 0, to: run.count, by: 3) {
                    #expect(Set(run[start..<min(start + 3, run.count)].map(\.kind)).count == 1)
                }
            }
        }
        // The share of anomalous rows past warm-up is 5% by the renewal argument in the source;
        // warm-up removes 8 x 200 of 30_000 rows, so about 4.7% overall. About 470 segments
        // start (Poisson-like, sd 22 segments = 65 rows = 0.002 of the share): budget 0.01.
        let share = Double(infos.filter(\.isAnomaly).count) / Double(infos.count)
        #expect(abs(share - 0.05 * (1 - 1_600.0 / 30_000)) < 0.01)
    }
}
