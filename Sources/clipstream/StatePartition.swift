import ClipStreamEngine
import ClipStreamIO
import Foundation

/// The keys a saved model state holds: every key, or one partition's (`--save-state` under
/// `--partition`), so that a state never seeds a run of other keys.
///
/// A partition's state loaded under another partition (or none) silently started the run's own
/// keys afresh and carried the other keys along into its next save. It is refused now; a state
/// of every key seeds any partition, which keeps only its own keys.
enum StatePartition {
    /// What `--save-state` records in the state's metadata (`Docs/formats.md`).
    struct SavedStateMetadata: Codable, Equatable {
        /// `I/N`, or nil for a state of every key.
        var partition: String?
    }

    /// The metadata of a state saved by a run of `partition`: empty for every key (as states
    /// written before the partition was recorded).
    static func metadata(for partition: KeyPartition?) -> [UInt8] {
        guard let partition else { return [] }
        return Array((try? JSONEncoder().encode(SavedStateMetadata(partition: partition.description))) ?? Data())
    }

    /// The partition `header` records: a saved state's, or a checkpoint's (a checkpoint is a
    /// state too); nil for a state of every key.
    static func recorded(in header: StateFile.Header) -> String? {
        let data = Data(header.metadata)
        if let checkpoint = try? JSONDecoder().decode(CheckpointMetadata.self, from: data) {
            return checkpoint.output.partition
        }
        return (try? JSONDecoder().decode(SavedStateMetadata.self, from: data))?.partition
    }

    /// Loads the state at `path` into `engine` for a run of `partition` (nil: every key):
    /// refused when the state holds another partition's keys; a state of every key keeps only
    /// the run's own.
    static func load(_ path: String, into engine: ShardedEngine, partition: KeyPartition?) throws {
        try StateFile.load(
            path, into: engine,
            accepting: { header in
                guard let recorded = recorded(in: header), recorded != partition?.description else { return }
                let here = partition.map { "partition \($0) here" } ?? "every key here (pass --partition \(recorded))"
                throw StateError.configurationMismatch(
                    path: path, differences: ["it holds the keys of partition \(recorded), \(here)"])
            },
            keeping: { partition?.contains($0) ?? true })
    }

    /// Saves `engine` to `path`, recording `partition`.
    static func save(_ engine: ShardedEngine, partition: KeyPartition?, to path: String) throws {
        try StateFile.write(engine, metadata: metadata(for: partition), to: path)
    }
}
