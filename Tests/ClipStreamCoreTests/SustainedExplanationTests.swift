@testable import ClipStreamCore
import ClipStreamKernels
import Testing

/// A row's explanation by the key's sustained deviation (``SustainedDeviation``) or by the row
/// itself (``ExplanationBasis``).
struct SustainedExplanationTests {
    /// Scores one row of key `slot` with every feature attributed; returns the shares by feature
    /// (signed) and the order, largest first.
    static func explained(
        _ detector: inout LocationDetector, row: [Float], slot: Int
    ) -> (shares: [Int: Float], order: [Int]) {
        let d = detector.configuration.modelDimension
        var indices = [Int32](repeating: -1, count: d)
        var shares = [Float](repeating: .nan, count: d)
        var result = RowScore.empty
        var index: Int32 = 0
        var slot32 = Int32(slot)
        row.withUnsafeBufferPointer { x in
            withUnsafePointer(to: &index) { order in
                detector.process(
                    rows: x.baseAddress!, rowStride: row.count, order: UnsafeBufferPointer(start: order, count: 1),
                    slots: &slot32, results: &result, explainCount: d, topIndices: &indices, topShares: &shares)
            }
        }
        let order = indices.map { Int($0) }
        return (Dictionary(uniqueKeysWithValues: zip(order, shares)), order)
    }

    /// A key of 8 Gaussian columns whose column 2 sat 8 noise scales high for 30 rows; the next
    /// row is back to normal in column 2 and 3 scales high in column 5.
    static func afterAnIncident(_ basis: ExplanationBasis) -> (shares: [Int: Float], order: [Int]) {
        var c = Configuration(dimension: 8)
        c.explanationBasis = basis
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 11)
        for t in 0..<3_030 {
            var row = noise.row(mean: Array(repeating: 0, count: 8))
            if t >= 3_000 { row[2] += 8 }
            _ = detector.process(row: row, slot: slot)
        }
        var row = [Float](repeating: 0, count: 8)
        row[5] = 3
        return explained(&detector, row: row, slot: slot)
    }

    @Test func theSustainedDeviationNamesTheIncidentAndTheRowNamesItself() {
        let sustained = Self.afterAnIncident(.sustained)
        #expect(sustained.order[0] == 2)
        // Signed by the direction held: column 2 went up (the row itself is below the estimate
        // that followed it, and the row basis would sign it negative).
        #expect(sustained.shares[2]! > 0.5)
        #expect(sustained.shares[5]! > 0)
        #expect(abs(sustained.shares.values.map { abs($0) }.reduce(0, +) - 1) < 1e-5)

        let row = Self.afterAnIncident(.row)
        #expect(row.order[0] == 5)
        #expect(row.shares[5]! > 0.5)
        #expect(abs(row.shares.values.map { abs($0) }.reduce(0, +) - 1) < 1e-5)
    }

    /// `e_j <- (1 - b) e_j + b d c^2 z_j |z_j| / ||z||^2`, and what a row's explanation ranks,
    /// `e_j + (1 - b) d c^2 z_j |z_j| / ||z||^2`, by hand.
    @Test func learningAndExplainingFollowTheFormulas() {
        let layout = SustainedDeviation(dimension: 2)
        var block: [Float] = [0, 0]
        // gain = 2 * 2^2 / 25 = 0.32; learned at b = 0.5: 0.16 z_j |z_j|.
        #expect(layout.learn(z: [-3, 4], squaredNorm: 25, clippedScore: 2, smoothing: 0.5, block: &block) == 0.32)
        #expect(abs(block[0] + 1.44) < 1e-6 && abs(block[1] - 2.56) < 1e-6)
        var explained: [Float] = [.nan, .nan]
        layout.explained(z: [-3, 4], gain: 0.32, smoothing: 0.5, block: block, into: &explained)
        #expect(abs(explained[0] + 2.88) < 1e-6 && abs(explained[1] - 5.12) < 1e-6)
        // A unit direction (the overflow path): gain = 2 * 1 / 1 = 2.
        #expect(layout.learn(z: [1, 0], squaredNorm: 1, clippedScore: 1, smoothing: 0.5, block: &block) == 2)
        #expect(abs(block[0] - 0.28) < 1e-6 && abs(block[1] - 1.28) < 1e-6)
        // A zero residual adds nothing and only decays.
        #expect(layout.learn(z: [0, 0], squaredNorm: 0, clippedScore: 0, smoothing: 0.5, block: &block) == 0)
        #expect(abs(block[0] - 0.14) < 1e-6 && abs(block[1] - 0.64) < 1e-6)
    }

    /// A unit direction whose clipped score is astronomically large (a row like 1e30 against a
    /// threshold that climbed under hostile input) adds at most ``SustainedDeviation/largestPart``
    /// (1e30).
    @Test func aRowsPartIsBounded() {
        let layout = SustainedDeviation(dimension: 2)
        var block: [Float] = [0, 0]
        let gain = layout.learn(z: [1, 0], squaredNorm: 1, clippedScore: 1e30, smoothing: 0.5, block: &block)
        #expect(Double(gain) <= 1.0001e30)
        #expect(block[0].isFinite && block[1] == 0)
        var explained: [Float] = [.nan, .nan]
        layout.explained(z: [1, 0], gain: gain, smoothing: 0.5, block: block, into: &explained)
        #expect(explained[0].isFinite && explained[1] == 0)
    }

    @Test func sharesOfSignedValues() {
        let values: [Float] = [-1, 3, 0, -4]
        var indices = [Int32](repeating: -1, count: 2)
        var shares = [Float](repeating: .nan, count: 2)
        #expect(Attribution.topShares(of: values, count: 4, k: 2, indices: &indices, shares: &shares))
        #expect(indices == [3, 1])
        #expect(shares == [-0.5, 0.375])
        let zeros: [Float] = [0, 0, 0, 0]
        #expect(!Attribution.topShares(of: zeros, count: 4, k: 2, indices: &indices, shares: &shares))
        #expect(indices == [3, 1], "nothing written")
    }

    @Test func whichModelsKeepASustainedDeviation() {
        #expect(Configuration(dimension: 64).effectiveExplanationBasis == .sustained)
        #expect(Configuration(dimension: 65).effectiveExplanationBasis == .row)
        var wide = Configuration(dimension: 65)
        wide.explanationBasis = .sustained
        #expect(wide.effectiveExplanationBasis == .sustained)
        var c = Configuration(dimension: 8)
        #expect(c.effectiveExplanationBasis == .sustained)
        #expect(c.referenceBlockWidth == c.sustainedDeviationStartInBlock + 8)
        c.lags = 2
        #expect(c.effectiveExplanationBasis == .row && c.sustainedDeviationLayout == nil)
        c.lags = 0
        c.scoreSmoothing = 1
        #expect(c.effectiveExplanationBasis == .row)
        c.scoreSmoothing = 0.05
        c.model = .linear(target: 0)
        #expect(c.effectiveExplanationBasis == .row)
        c.model = .location
        c.explanationBasis = .row
        #expect(c.sustainedDeviationLayout == nil && c.referenceBlockWidth == c.sustainedDeviationStartInBlock)
    }

    /// Rows like 1e30 take the overflow path (a unit direction), where the row's clipped score
    /// is only bounded by its threshold: the deviation and every explanation stay finite.
    @Test func absurdRowsLeaveTheDeviationFinite() {
        let c = Configuration(dimension: 8)
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 9)
        for t in 0..<3_000 {
            var row = noise.row(mean: Array(repeating: 0, count: 8))
            if t >= 300 && t % 50 == 0 { row[t % 8] = t % 100 == 0 ? 1e30 : -3e38 }
            let shares = Self.explained(&detector, row: row, slot: slot).shares.values
            let finite = shares.allSatisfy { $0.isFinite }
            #expect(finite, "row \(t)")
        }
        let snapshot = detector.snapshot(slot: slot)
        #expect(snapshot.isSound(for: c))
        let start = c.sustainedDeviationBlockOffset
        let bounded = snapshot.values[start..<start + 8].allSatisfy { $0.isFinite && abs($0) <= 1e30 }
        #expect(bounded)
    }

    @Test func aNonFiniteSustainedDeviationIsRefused() {
        let c = Configuration(dimension: 8)
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 5)
        for _ in 0..<300 { _ = detector.process(row: noise.row(mean: Array(repeating: 0, count: 8)), slot: slot) }
        let snapshot = detector.snapshot(slot: slot)
        #expect(snapshot.isSound(for: c))
        let start = c.sustainedDeviationBlockOffset
        #expect(snapshot.values[start..<start + 8].allSatisfy { $0 != 0 })
        for bad: Float in [.nan, -.infinity] {
            var broken = snapshot
            broken.values[start + 3] = bad
            #expect(!broken.isSound(for: c), "\(bad)")
        }
    }
}
