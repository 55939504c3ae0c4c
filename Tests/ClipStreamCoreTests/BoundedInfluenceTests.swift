import ClipStreamCore
import Testing

@Suite("One row's influence is bounded by eta * lambda")
struct BoundedInfluenceTests {
    enum Corruption: CaseIterable, Sendable {
        case hugeEverywhere, mostNegativeEverywhere, hugeInOneCoordinate, wrongSign

        func row(dimension d: Int) -> [Float] {
            switch self {
            case .hugeEverywhere: return [Float](repeating: 1e30, count: d)
            case .mostNegativeEverywhere: return [Float](repeating: -3e38, count: d)
            case .hugeInOneCoordinate: return (0..<d).map { $0 == 2 ? 1e30 : 0 }
            case .wrongSign: return [Float](repeating: -50, count: d)
            }
        }
    }

    @Test(arguments: Corruption.allCases)
    func hugeRowMovesThetaByAtMostEtaLambda(corruption: Corruption) throws {
        let d = 8
        let configuration = Configuration.pureSGD(dimension: d)
        var detector = LocationDetector(configuration: configuration)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 11)
        let mean = [Double](repeating: 1, count: d)
        for _ in 0..<500 { _ = detector.process(row: noise.row(mean: mean), slot: slot) }

        let before = detector.bank.location(slot: slot)
        let scale = detector.bank.scaleEstimate(slot: slot)
        let state = detector.bank.state(slot: slot)
        let eta = LearningRateSchedule(configuration).rate(forRow: state.scheduleRow + 1)
        let result = detector.process(row: corruption.row(dimension: d), slot: slot)
        let after = detector.bank.location(slot: slot)

        // Movement in the standardized norm (the norm the clip applies to).
        var moved = 0.0
        for j in 0..<d {
            let step = (Double(after[j]) - Double(before[j])) / Double(scale[j])
            moved += step * step
        }
        let bound = eta * result.clipThreshold
        #expect(result.clipped)
        // Beyond every one of the key's 498 scored rows: log10(499 / 0.5) and more.
        #expect(result.score.isFinite && result.score > 2.99)
        #expect(moved.squareRoot() <= bound * (1 + 1e-5))
        #expect(detector.bank.checkInvariants())
    }
}
