import ClipStreamCore
import ClipStreamExperiments
import Testing

/// The rotated-digit drift stream and its experiment, on small synthetic "digits" (the real
/// MNIST run is `clipstream experiment mnist-drift`).
@Suite("Experiments: digit drift")
struct DigitDriftTests {
    /// Ten synthetic digits: digit k is a bright horizontal bar on row 4 + 2k, 5 images each
    /// with slightly different grey levels.
    static func bars() throws -> DigitImages {
        var bytes: [UInt8] = []
        var labels: [UInt8] = []
        for digit in 0..<10 {
            for copy in 0..<5 {
                var image = [UInt8](repeating: 0, count: 784)
                for c in 4..<24 { image[(4 + 2 * digit) * 28 + c] = UInt8(200 + 10 * copy) }
                bytes += image
                labels.append(UInt8(digit))
            }
        }
        return try DigitImages(bytes: bytes, labels: labels)
    }

    @Test func rotationByZeroKeepsThePixelsAndByNinetyTurnsRowsIntoColumns() throws {
        let images = try Self.bars()
        var straight = [Float](repeating: 0, count: 784)
        images.rotated(0, degrees: 0, inverted: false, into: &straight)
        #expect(straight[4 * 28 + 10] == 200.0 / 255)
        #expect(straight[5 * 28 + 10] == 0)
        var turned = [Float](repeating: 0, count: 784)
        images.rotated(0, degrees: 90, inverted: false, into: &turned)
        // Row 4 becomes a column: the bar's pixels all land in one column (within rounding).
        let lit = (0..<784).filter { turned[$0] > 0.5 }
        #expect(lit.count >= 18)
        #expect(Set(lit.map { $0 % 28 }).count == 1)
        var inverted = [Float](repeating: 0, count: 784)
        images.rotated(0, degrees: 0, inverted: true, into: &inverted)
        #expect(inverted[0] == 1)
        #expect(abs(inverted[4 * 28 + 10] - (1 - 200.0 / 255)) < 1e-6)
    }

    @Test func badInputIsRefused() {
        #expect(throws: DigitImagesError.sizeMismatch(imageBytes: 783, labels: 1)) {
            try DigitImages(bytes: [UInt8](repeating: 0, count: 783), labels: [0])
        }
        #expect(throws: DigitImagesError.badLabel) {
            try DigitImages(bytes: [UInt8](repeating: 0, count: 784), labels: [10])
        }
        #expect(throws: DigitImagesError.missingDigit) {
            try DigitImages(bytes: [UInt8](repeating: 0, count: 784), labels: [3])
        }
    }

    @Test func streamSwitchesDigitAndMixesInAnomalies() throws {
        var c = DigitDriftCase(anomalyFraction: 0.1, seed: 3)
        c.segments = 3
        c.segmentLength = 2_000
        c.maxDegrees = 0
        let (samples, anomalies) = c.generate(from: try Self.bars())
        #expect(anomalies.count == 6_000)
        let share = Double(anomalies.filter { $0 }.count) / 6_000
        #expect(abs(share - 0.1) < 0.02)
        // Unrotated bars: a normal row of segment k is lit on row 4 + 2k.
        for t in [0, 2_500, 5_999] where !anomalies[t] {
            let k = t / 2_000
            #expect(samples[t * 784 + (4 + 2 * k) * 28 + 10] > 0.5)
        }
        #expect(samples == c.generate(from: try Self.bars()).samples)
    }

    @Test func anomaliesRankHighAndTheModelFollowsTheSwitch() throws {
        var c = DigitDriftCase(anomalyFraction: 0.03, seed: 2)
        c.segments = 3
        c.segmentLength = 3_000
        c.maxDegrees = 5
        let (samples, anomalies) = c.generate(from: try Self.bars())
        let shared = DigitDriftVariant.standard().first { $0.name == "shared scale, H 256" }!
        let result = try DigitDriftExperiment.run(
            shared, samples: samples, anomalies: anomalies, segmentLength: c.segmentLength)
        #expect(result.rocAUC > 0.9)
        #expect(result.segmentAUC.allSatisfy { $0 > 0.85 })
        #expect(try #require(result.recovery) <= 750)
    }
}
