import ClipStreamCore
import Foundation
import Testing

@Suite("Recovery after an abrupt shift")
struct RecoveryTests {
    /// Feeds `warm` rows at mean 0, then rows at `shifted` mean; returns the rows after the
    /// shift until the per-coordinate error first falls below `target`, with the state at the shift.
    static func rowsToRecover(
        configuration: Configuration, shift: Double, target: Double
    ) -> (rows: Int, state: KeyState, scale: [Float]) {
        let d = configuration.dimension
        var detector = LocationDetector(configuration: configuration)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 21)
        let zero = [Double](repeating: 0, count: d)
        for _ in 0..<5_000 { _ = detector.process(row: noise.row(mean: zero), slot: slot) }
        let state = detector.bank.state(slot: slot)
        let scale = detector.bank.scaleEstimate(slot: slot)
        let shifted = [Double](repeating: shift, count: d)
        for t in 1...100_000 {
            _ = detector.process(row: noise.row(mean: shifted), slot: slot)
            if trackingError(detector.bank.location(slot: slot), shifted) < target {
                return (t, state, scale)
            }
        }
        return (Int.max, state, scale)
    }

    /// Pure clipped SGD at the floor rate eta: while clipped, each row moves the estimate by
    /// eta * lambda >= eta * c * m0 towards the new level (m only grows during the shift), so a
    /// standardized distance D0 is covered in D0 / (eta c m0) rows; then the unclipped phase
    /// shrinks the remaining distance (at most lambda) by (1 - eta) per row, reaching eps in
    /// ln(c m0 / eps) / eta rows.
    @Test func clippedSGDRecoversWithinTheBoundSetByEta() {
        let d = 10
        let configuration = Configuration.pureSGD(dimension: d, horizon: 256)
        let shift = 10.0
        let target = 0.5
        let (rows, state, scale) = Self.rowsToRecover(
            configuration: configuration, shift: shift, target: target)
        let eta = LearningRateSchedule(configuration).floorRate
        let meanScale = scale.reduce(0) { $0 + Double($1) } / Double(d)
        let distance = shift * Double(d).squareRoot() / meanScale
        let lambda0 = configuration.clipMultiplier * state.clipLevel
        let epsilon = target * Double(d).squareRoot() / meanScale
        let bound = distance / (eta * lambda0) + log(lambda0 / epsilon) / eta
        #expect(rows <= Int(bound.rounded(.up)))
        #expect(rows > 1)
    }

    /// With re-anchoring (the default) a sustained run of alerts restarts the estimate at the
    /// new level: `restartAfter` rows to notice, then a running mean whose error falls below
    /// half a standard deviation within 16 rows (rate at most 16^-2/3 = 0.16 by then).
    @Test func reanchoringRecoversWithinRestartAfterPlusSixteenRows() {
        let configuration = Configuration(dimension: 10)
        let (rows, _, _) = Self.rowsToRecover(configuration: configuration, shift: 10, target: 0.5)
        #expect(rows <= configuration.restartAfter + 16)
    }
}
