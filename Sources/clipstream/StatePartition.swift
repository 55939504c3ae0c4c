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
    /// written before the partition was recorded, and as partition `0/1`).
    static func metadata(for partition: KeyPartition?) -> [UInt8] {
        guard let partition, partition.count > 1 else { return [] }
        return Array((try? JSONEncoder().encode(SavedStateMetadata(partition: partition.description))) ?? Data())
    }

    /// The partition `header` records: a saved state's, or a checkpoint's (a checkpoint is a
    /// state too); nil for a state of every key.
    /// - Throws: ``StateError/corrupt(path:reason:)`` for metadata that is neither (a guard
    ///   that read it as "every key" would let any such file through).
    static func recorded(in header: StateFile.Header, path: String) throws -> KeyPartition? {
        guard !header.metadata.isEmpty else { return nil }
        let data = Data(header.metadata)
        let text: String?
        if let checkpoint = try? JSONDecoder().decode(CheckpointMetadata.self, from: data) {
            text = checkpoint.output.partition
        } else if let saved = try? JSONDecoder().decode(SavedStateMetadata.self, from: data) {
            text = saved.partition
        } else {
            throw StateError.corrupt(path: path, reason: "its metadata is neither a checkpoint's nor a saved state's")
        }
        guard let text else { return nil }
        guard let partition = KeyPartition(text) else {
            throw StateError.corrupt(path: path, reason: "it records partition \"\(text)\", not I/N")
        }
        return partition.count > 1 ? partition : nil
    }

    /// Loads the state at `path` into `engine` for a run of `partition` (nil: every key):
    /// refused when the state holds another partition's keys; a state of every key keeps only
    /// the run's own (and says so when it holds none of them: a state saved from a partition's
    /// archive, `convert --partitions`, records no partition).
    static func load(_ path: String, into engine: ShardedEngine, partition: KeyPartition?) throws {
        let run = partition.flatMap { $0.count > 1 ? $0 : nil }
        var kept = 0
        var total = 0
        try StateFile.load(
            path, into: engine,
            accepting: { header in
                let recorded = try recorded(in: header, path: path)
                guard let recorded, recorded != run else { return }
                let here = run.map { "partition \($0) here" } ?? "every key here (pass --partition \(recorded))"
                throw StateError.configurationMismatch(
                    path: path, differences: ["it holds the keys of partition \(recorded), \(here)"])
            },
            keeping: { key in
                total += 1
                let keeps = run?.contains(key) ?? true
                if keeps { kept += 1 }
                return keeps
            })
        if let run, total > 0, kept == 0 {
            FileHandle.standardError.write(Data(
                "clipstream: note: \(path) holds \(total) keys, none of partition \(run): every key starts afresh (a state saved from another partition's archive?)\n".utf8))
        }
    }

    /// Saves `engine` to `path`, recording `partition`.
    static func save(_ engine: ShardedEngine, partition: KeyPartition?, to path: String) throws {
        try StateFile.write(engine, metadata: metadata(for: partition), to: path)
    }
}
