import ArgumentParser
import ClipStreamExperiments
import ClipStreamIO
import Dispatch
import Foundation

/// `clipstream experiment mnist-drift`: the blog's rotated-digit drift stream.
struct ExperimentDigits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-drift",
        abstract: "Rotated MNIST drift stream: one digit normal, other digits anomalies, the normal digit switching every 5,000 samples.",
        discussion: """
            Normal samples are images of one digit rotated uniformly in [-45, 45] degrees \
            (bilinear); anomalies (3%, 10%, 30%, and 3% with half of them inverted) are other \
            digits, rotated too. The normal digit is 0, 1, 2, ... for 8 segments of 5,000 \
            samples (40,000 samples). Each variant scores every sample before learning it \
            (one key, pixel space, d = 784); reported: ROC-AUC and PR-AUC over the stream, \
            ROC-AUC per segment, and the samples after a switch until the ROC-AUC of 250-sample \
            windows (pooled over the 7 switches) is back within 0.05 of its settled level. The \
            images are MNIST's 10,000 labelled test images (the training images are not \
            used), drawn with replacement.
            """)

    @Option(help: "Folder with MNIST's test-images.u8.gz and test-labels.u8.gz.")
    var mnist = "../shared/data/mnist"
    @Option(help: "Seed of the stream.")
    var seed: UInt64 = 1
    @Flag(help: "One JSON object instead of tables.")
    var json = false

    func run() throws {
        try CommandErrors.exitOnFailure { try runExperiment() }
    }

    private func runExperiment() throws {
        var loaded: DigitImages?
        try CommandErrors.exitOnFailure { loaded = try Self.load(from: mnist) }
        guard let images = loaded else { return }
        let cases = [
            DigitDriftCase(anomalyFraction: 0.03, seed: seed),
            DigitDriftCase(anomalyFraction: 0.10, seed: seed),
            DigitDriftCase(anomalyFraction: 0.30, seed: seed),
            DigitDriftCase(anomalyFraction: 0.03, invertedShare: 0.5, seed: seed),
        ]
        let variants = DigitDriftVariant.standard()
        var report: [String: [DigitDriftResult]] = [:]
        var order: [String] = []
        for c in cases {
            let stream = c.generate(from: images)
            let results = ConcurrentResults<DigitDriftResult>(count: variants.count)
            DispatchQueue.concurrentPerform(iterations: variants.count) { i in
                results.set(i, Result {
                    try DigitDriftExperiment.run(
                        variants[i], samples: stream.samples, anomalies: stream.anomalies,
                        segmentLength: c.segmentLength)
                })
            }
            report[c.name] = try results.values()
            order.append(c.name)
            if !json { try CommandErrors.writeStandardOutput(Self.table(c, report[c.name]!) + "\n") }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let data = try encoder.encode(order.map { DigitCaseReport(name: $0, results: report[$0]!) })
            try CommandErrors.writeStandardOutput(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    struct DigitCaseReport: Encodable {
        var name: String
        var results: [DigitDriftResult]
    }

    static func table(_ c: DigitDriftCase, _ results: [DigitDriftResult]) -> String {
        var lines = [
            "mnist-drift: \(c.name), \(c.segments) segments of \(c.segmentLength), seed \(c.seed)",
            "variant                      ROC-AUC   PR-AUC   settled   recovery   ROC-AUC per segment (digits 0-\(c.segments - 1))",
        ]
        for r in results {
            lines.append(
                r.variant.padding(toLength: 27, withPad: " ", startingAt: 0)
                    + String(format: "  %7.3f  %7.3f  %8.3f", r.rocAUC, r.averagePrecision, r.settledAUC)
                    + (r.recovery.map { "\($0)".leftPadded(to: 11) } ?? "      never")
                    + "   " + r.segmentAUC.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads MNIST's labelled test images (raw uint8, gzip).
    static func load(from folder: String) throws -> DigitImages {
        let images = try readAll(folder + "/test-images.u8.gz")
        let labels = try readAll(folder + "/test-labels.u8.gz")
        do {
            return try DigitImages(bytes: images, labels: labels)
        } catch {
            throw ValidationError("\(folder): \(error)")
        }
    }

    static func readAll(_ path: String) throws -> [UInt8] {
        let source = try InputOpener.open(path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}
