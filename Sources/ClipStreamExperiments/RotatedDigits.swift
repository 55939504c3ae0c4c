import ClipStreamSynthetic
import RealModule

/// Labelled 28 x 28 grey images (MNIST's layout: image-major, row-major, 0 = background).
public struct DigitImages: Sendable {
    public static let side = 28
    public static let pixels = side * side
    /// `count * pixels` bytes.
    public let bytes: [UInt8]
    public let labels: [UInt8]
    /// Image indices per digit 0...9.
    let indicesByDigit: [[Int]]

    /// Wraps raw images and their labels; throws when the sizes disagree or a label is not a digit.
    public init(bytes: [UInt8], labels: [UInt8]) throws(DigitImagesError) {
        guard bytes.count == labels.count * Self.pixels, !labels.isEmpty else {
            throw .sizeMismatch(imageBytes: bytes.count, labels: labels.count)
        }
        guard labels.allSatisfy({ $0 <= 9 }) else { throw .badLabel }
        self.bytes = bytes
        self.labels = labels
        indicesByDigit = (0...9).map { digit in labels.indices.filter { labels[$0] == digit } }
        guard indicesByDigit.allSatisfy({ !$0.isEmpty }) else { throw .missingDigit }
    }

    /// Writes image `index` rotated by `degrees` about its centre (bilinear; outside is
    /// background) into `out` as `Float` grey levels in [0, 1], inverted (`1 - x`) if asked.
    public func rotated(_ index: Int, degrees: Double, inverted: Bool, into out: UnsafeMutablePointer<Float>) {
        let n = Self.side
        let angle = degrees * .pi / 180
        let (c, s) = (Double.cos(angle), Double.sin(angle))
        let centre = Double(n - 1) / 2
        let base = index * Self.pixels
        func pixel(_ r: Int, _ q: Int) -> Double {
            r >= 0 && r < n && q >= 0 && q < n ? Double(bytes[base + r * n + q]) / 255 : 0
        }
        for r in 0..<n {
            for q in 0..<n {
                // The source point that lands on (r, q): rotate back by -angle.
                let y = Double(r) - centre
                let x = Double(q) - centre
                let sy = c * y - s * x + centre
                let sx = s * y + c * x + centre
                let (y0, x0) = (Int(sy.rounded(.down)), Int(sx.rounded(.down)))
                let (fy, fx) = (sy - Double(y0), sx - Double(x0))
                let v = (1 - fy) * ((1 - fx) * pixel(y0, x0) + fx * pixel(y0, x0 + 1))
                    + fy * ((1 - fx) * pixel(y0 + 1, x0) + fx * pixel(y0 + 1, x0 + 1))
                out[r * n + q] = Float(inverted ? 1 - v : v)
            }
        }
    }
}

/// Why ``DigitImages`` refused its input.
public enum DigitImagesError: Error, Equatable, CustomStringConvertible {
    case sizeMismatch(imageBytes: Int, labels: Int)
    case badLabel
    case missingDigit

    public var description: String {
        switch self {
        case .sizeMismatch(let bytes, let labels):
            "\(bytes) image bytes do not hold \(labels) images of 784 pixels"
        case .badLabel: "a label is not a digit 0-9"
        case .missingDigit: "some digit has no image"
        }
    }
}

/// The drift stream of the method's blog: one digit is normal, under random rotations; a few
/// percent of other digits are anomalies; the normal digit switches every `segmentLength`
/// samples (0, 1, 2, ...).
public struct DigitDriftCase: Sendable, Codable, Equatable {
    public var segments = 8
    public var segmentLength = 5_000
    public var anomalyFraction = 0.03
    /// Share of anomalies inverted (`255 - x`).
    public var invertedShare = 0.0
    /// Rotations are uniform in [-maxDegrees, maxDegrees].
    public var maxDegrees = 45.0
    public var seed: UInt64 = 1

    public init(anomalyFraction: Double = 0.03, invertedShare: Double = 0, seed: UInt64 = 1) {
        self.anomalyFraction = anomalyFraction
        self.invertedShare = invertedShare
        self.seed = seed
    }

    public var rows: Int { segments * segmentLength }

    public var name: String {
        let base = "\(Int((anomalyFraction * 100).rounded()))% anomalies"
        return invertedShare > 0 ? base + ", \(Int((invertedShare * 100).rounded()))% of them inverted" : base
    }

    /// Generates the stream: `rows * 784` pixels in [0, 1], and whether each row is an anomaly.
    public func generate(from images: DigitImages) -> (samples: [Float], anomalies: [Bool]) {
        var g = SeededGenerator(seed: seed)
        var samples = [Float](repeating: 0, count: rows * DigitImages.pixels)
        var anomalies = [Bool](repeating: false, count: rows)
        samples.withUnsafeMutableBufferPointer { out in
            for t in 0..<rows {
                let normal = (t / segmentLength) % 10
                let anomaly = Distributions.uniform(using: &g) < anomalyFraction
                var digit = normal
                if anomaly {
                    digit = Int(g.next() % 9)
                    if digit >= normal { digit += 1 }
                }
                let pool = images.indicesByDigit[digit]
                let index = pool[Int(g.next() % UInt64(pool.count))]
                let degrees = (2 * Distributions.uniform(using: &g) - 1) * maxDegrees
                let inverted = anomaly && Distributions.uniform(using: &g) < invertedShare
                images.rotated(index, degrees: degrees, inverted: inverted, into: out.baseAddress! + t * DigitImages.pixels)
                anomalies[t] = anomaly
            }
        }
        return (samples, anomalies)
    }
}
