import Testing

@testable import ClipStreamSynthetic

struct HardCaseStreamStructureTests {
    @Test func constantColumnsAreConstantPerKeyEvenInAnomalies() throws {
        var c = configuration(rows: 20_000)
        c.anomalyFraction = 0.1
        let constantRange = (c.dimension - c.constantColumns)..<c.dimension
        var firstValues = [[Float]?](repeating: nil, count: c.keys)
        var mismatches = 0
        let infos = try runStream(c) { _, values, info in
            let constants = Array(values[constantRange])
            if let first = firstValues[info.key] {
                if constants.map(\.bitPattern) != first.map(\.bitPattern) { mismatches += 1 }
            } else {
                firstValues[info.key] = constants
            }
        }
        #expect(infos.contains { $0.isAnomaly })
        #expect(mismatches == 0)
        // The first constant column is 0 for every key; the others differ between keys.
        let firsts = firstValues.compactMap { $0 }
        #expect(firsts.count == c.keys)
        #expect(firsts.allSatisfy { $0[0] == 0 })
        #expect(Set(firsts.map { $0[1] }).count == c.keys)
    }

    @Test func driftMovesTheMeanByDriftPerRowInStandardizedUnits() throws {
        var c = configuration(rows: 4_000, dimension: 10)
        c.regimeShiftEvery = 0
        c.driftPerRow = 0.01
        var stream = try HardCaseStream(configuration: c)
        let start = stream.keyStates.map(\.mean)
        var values = [Float](repeating: 0, count: c.dimension)
        while stream.next(into: &values) != nil {}
        // Each key emitted 500 rows, so its mean took 499 drift steps of standardized length 0.01
        // along one direction: total 4.99, up to rounding of 499 additions (1e-9 is ample).
        for (key, state) in stream.keyStates.enumerated() {
            var squared = 0.0
            for j in 0..<c.dimension {
                let z = (state.mean[j] - start[key][j]) / state.scales[j]
                squared += z * z
            }
            #expect(abs(squared.squareRoot() - 4.99) < 1e-9)
        }
    }

    @Test func anomaliesNeverMoveTheMean() throws {
        var c = configuration(rows: 3_000, dimension: 8)
        c.regimeShiftEvery = 0
        c.driftPerRow = 0
        c.anomalyFraction = 0.5
        c.warmupRows = 0
        var stream = try HardCaseStream(configuration: c)
        let start = stream.keyStates.map(\.mean)
        var values = [Float](repeating: 0, count: c.dimension)
        var anomalies = 0
        while let info = stream.next(into: &values) { if info.isAnomaly { anomalies += 1 } }
        #expect(anomalies > 1_000)
        #expect(stream.keyStates.map(\.mean) == start)
    }

    @Test func oracleSeparatesEveryAnomalyKind() throws {
        // An oracle knowing each key's true mean and scales measures the standardized distance of
        // each row. Normal rows sit near sqrt(29) = 5.4 (29 unit-variance coordinates, median
        // about 5.0); anomaly centres sit at 12 sqrt(29) = 65 (spike-all), 48 (spike-one),
        // about 2 x 3 x sqrt(29) = 32 or more (sign-flip) and 3 sqrt(29) = 16 (shift-all).
        // t(4) tails put the normal 99th percentile near 9.7 and the 99.9th near 15.4 (measured on
        // the 200k-row default), so shift-all overlaps the extreme normal tail: the checks are
        // the 5th percentile of every kind above the normal 99th percentile, spike and sign-flip
        // rows above the normal 99.9th percentile, and an oracle ROC-AUC above 0.99 (0.9998
        // measured on the default stream).
        let c = configuration(rows: 60_000)
        var normal: [Double] = []
        var byKind: [AnomalyKind: [Double]] = [:]
        var spikeOneMaxima: [Double] = []
        _ = try runStream(c) { stream, values, info in
            let distance = stream.oracleDistance(of: values, key: info.key)
            guard let kind = info.kind else { return normal.append(distance) }
            byKind[kind, default: []].append(distance)
            if kind == .spikeOne {
                let deviations = stream.oracleDeviations(of: values, key: info.key)
                spikeOneMaxima.append(deviations.map(abs).max() ?? 0)
            }
        }
        normal.sort()
        let normal99 = normal[Int(0.99 * Double(normal.count))]
        let normal999 = normal[Int(0.999 * Double(normal.count))]
        #expect(normal[normal.count / 2] < 6)
        var wins = 0.0
        var anomalyCount = 0
        for kind in AnomalyKind.allCases {
            let distances = (byKind[kind] ?? []).sorted()
            #expect(distances.count > 50, "\(kind)")
            guard !distances.isEmpty else { continue }
            let low = distances[distances.count / 20]
            #expect(low > normal99, "\(kind): 5th percentile \(low) vs normal 99th \(normal99)")
            if kind != .shiftAll {
                #expect(distances[0] > normal999, "\(kind): minimum vs normal 99.9th \(normal999)")
            }
            for distance in distances {
                wins += Double(Self.countBelow(distance, in: normal))
                anomalyCount += 1
            }
        }
        let auc = wins / (Double(anomalyCount) * Double(normal.count))
        #expect(auc > 0.99)
        // A spike-one row's moved coordinate alone is at least 3 sqrt(dimension) = 17 scales
        // away (48 minus a t(4) draw, which exceeds 31 with probability about 1e-5).
        #expect(spikeOneMaxima.allSatisfy { $0 >= 3 * Double(c.dimension).squareRoot() })
    }

    /// Number of elements of the ascending array `sorted` strictly below `value` (binary search).
    static func countBelow(_ value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
