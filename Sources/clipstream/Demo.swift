import ArgumentParser
import ClipStreamCore
import ClipStreamEngine
import ClipStreamEvaluation
import ClipStreamSynthetic
import Foundation

/// `clipstream demo`: the main job on a built-in default.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a hard-case stream, score it, and report throughput and detection quality.")

    @OptionGroup var stream: StreamOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Number of top alerts to show.")
    var top: Int = 5

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be at least 0") }
        guard top <= 10_000 else { throw ValidationError("--top must be at most 10000") }
        // Every row's score, label and decision stay in memory for the report (10 bytes a row).
        guard stream.rows <= Self.maximumRows else {
            throw ValidationError("--rows must be at most \(Self.maximumRows) for demo, which keeps every row's score (generate | score | evaluate streams any length)")
        }
    }

    static let maximumRows = 200_000_000

    mutating func run() throws {
        let streamConfiguration = try stream.makeConfiguration()
        let configuration = try model.configuration(dimension: streamConfiguration.dimension)
        let shards = model.resolvedShards
        let engine = try ShardedEngine(
            configuration: configuration, shardCount: shards, logger: logging.logger)
        // Each key is also a handle and a name in the engine's table.
        let generator = try stream.makeStream(streamConfiguration, engineBytesPerKey: engine.bytesPerKey + 128)
        print("""
            clipstream demo: \(generator.configuration.rows) rows, \(generator.configuration.keys) keys, \
            d=\(generator.configuration.dimension), Student-t df \(generator.configuration.tailDegreesOfFreedom), \
            \(String(format: "%g", generator.configuration.anomalyFraction * 100))% anomalies of 4 kinds, \
            regime shifts every ~\(generator.configuration.regimeShiftEvery) rows per key, \(shards) shard(s)
            """)
        let run = try SyntheticRun.execute(stream: generator, engine: engine, explainCount: 3, topCount: top)
        let report = DemoReport(run: run, names: configuration.modelFeatureNames(generator.featureNames))
        print(report.render(top: top))
    }
}
