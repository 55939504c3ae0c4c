import ArgumentParser
import ClipStreamCore
import ClipStreamEngine
import ClipStreamIO
import Foundation

/// `clipstream inspect-state`: what a model state or checkpoint holds.
struct InspectState: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect-state",
        abstract: "Print a model state's keys, rows seen and memory; one key's estimate with --key.",
        discussion: "Reads a file of --save-state or a checkpoint (DIR/checkpoint.state); checks its checksum first.")

    @Argument(help: "State file.")
    var path: String

    @Option(help: "Print this key's state: rows seen, threshold trackers, location and scale.")
    var key: String?

    func run() throws {
        try CommandErrors.exitOnFailure {
            let header = try StateFile.readHeader(path)
            var out = "state \(path): format \(StateFile.version), \(header.keyCount) keys, \(header.valuesPerKey) values per key\n"
            out += "configuration: " + header.settings.joined(separator: " ") + "\n"
            if let metadata = try? JSONDecoder().decode(CheckpointMetadata.self, from: Data(header.metadata)) {
                // As a resume checks it (a checkpoint it refuses passed here).
                guard metadata.isPlausible else {
                    throw StateError.corrupt(path: path, reason: "its position or counts are out of range")
                }
                out += "checkpoint: after input row \(metadata.dataRows), output \(metadata.outputBytes) bytes, input \(metadata.input.path)\n"
            }
            out += "partition: \(try StatePartition.recorded(in: header, path: path)?.description ?? "none (every key it saw)")\n"
            // The value of setting `name` in the state (nil when it has none).
            func setting(_ name: String) -> String? {
                header.settings.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
            }
            // Read within bounds no engine exceeds: a crafted settings line must not trap below.
            let dimension = min(max(Int(setting("dimension") ?? "") ?? 0, 0), header.valuesPerKey)
            let lags = min(max(Int(setting("lags") ?? "") ?? 0, 0), header.valuesPerKey)
            let modelDimension = min(dimension * (lags + 1), header.valuesPerKey)
            // The blocks' layout its settings describe, checked as a run would check them (a
            // crafted period overflowed the offsets), then each key as `--load-state` checks it.
            let season = setting("season") ?? "off"
            let whiten = setting("whiten") ?? "off"
            var layout = Configuration(dimension: max(dimension, 1))
            layout.lags = lags
            layout.season = Season(setting: season) ?? .off
            layout.whitening = Whitening(rawValue: whiten) ?? .off
            layout.repeatMuting = RepeatMuting(rawValue: setting("mute-repeats") ?? "off") ?? .off
            // As `--load-state` reads it (a garbled basis passed here and was refused there).
            guard let basis = StateFile.explanationBasis(recordedIn: header) else {
                throw StateError.corrupt(path: path, reason: "explain-by \(setting("explain-by") ?? "absent") is neither row nor sustained")
            }
            layout.explanationBasis = basis
            let locationModel = (setting("model") ?? "location") == "location"
            if !locationModel { (layout.season, layout.whitening, layout.repeatMuting) = (.off, .off, .off) }
            let valid = dimension >= 1 && (try? layout.validate()) != nil
            // Computed only for a valid layout: a crafted period overflowed the block's width.
            let layoutValues = valid
                ? EstimatorBank(
                    dimension: layout.modelDimension, lagWidth: layout.modelDimension - layout.dimension,
                    blockWidth: locationModel ? layout.referenceBlockWidth : 0
                ).valuesPerKey
                : -1
            guard layoutValues == header.valuesPerKey else {
                throw StateError.corrupt(path: path, reason: "its settings do not describe its \(header.valuesPerKey) values per key")
            }
            var rows = 0
            var found: (String, KeySnapshot)?
            var names: [(String, Int)] = []
            var seen = Set<ByteKey>()
            var damage: String?
            try StateFile.forEachKey(in: path) { name, snapshot in
                // What `--load-state` refuses is damaged here too (a crafted file passes the
                // checksum with any value), said once, after the walk.
                if damage == nil && !(locationModel ? snapshot.isSound(for: layout) : snapshot.isSound(dimension: modelDimension)) {
                    damage = "key \(name) holds values no model can have (NaN, infinity, a scale <= 0, a negative count)"
                }
                if damage == nil && !seen.insert(ByteKey(name)).inserted { damage = "key \(name) appears twice" }
                // Saturating: a crafted state's counts (checksum and all) must not trap here.
                let (sum, overflow) = rows.addingReportingOverflow(snapshot.state.rowCount)
                rows = overflow ? (sum < 0 ? Int.max : Int.min) : sum
                names.append((name, snapshot.state.rowCount))
                if name == key { found = (name, snapshot) }
            }
            if let damage { throw StateError.corrupt(path: path, reason: damage) }
            let bytes = header.keyCount * (header.valuesPerKey * 4 + MemoryLayout<KeyState>.stride)
            out += "rows seen: \(rows); model memory: \(bytes) bytes (\(header.valuesPerKey * 4 + MemoryLayout<KeyState>.stride) per key)\n"
            if let key {
                guard let (name, snapshot) = found else {
                    throw ValidationError("no key \"\(key)\" in \(path)")
                }
                let s = snapshot.state
                out += "key \(name): \(s.rowCount) rows, clip level m \(s.clipLevel), score trackers \(s.scoreLower) / \(s.scoreUpper)\n"
                out += "  location: " + snapshot.values.prefix(modelDimension).map { "\($0)" }.joined(separator: ",") + "\n"
                out += "  scale: " + snapshot.values.dropFirst(modelDimension).prefix(modelDimension).map { "\($0)" }.joined(separator: ",") + "\n"
                let seasonStart = layout.seasonalBlockOffset
                if season != "off" && snapshot.values.count > seasonStart {
                    // A crafted file passes the checksum with any value: no trapping conversion.
                    let stored = snapshot.values[seasonStart]
                    let period = stored.isFinite && abs(stored) < 1e9 ? Int(stored) : -1
                    let described = period > 0 ? "\(period) rows" : period == 0 ? "not chosen yet (buffering its first \(Season.detectionRows) rows)" : "none found (no seasonal reference)"
                    out += "  seasonal period: \(described)\n"
                }
                if let whitening = layout.whiteningLayout {
                    let start = layout.whiteningBlockOffset
                    let block = snapshot.values.dropFirst(start).prefix(whitening.storageCount)
                    let (learned, factored) = whitening.status(block)
                    let use = factored ? "its factor in use" : "not factored yet (\(Int(ResidualWhitening.readyRows)) rows needed)"
                    out += "  whitening: \(learned) rows learned, \(use)\n"
                }
                if let habit = layout.alertHabitLayout {
                    let block = snapshot.values.dropFirst(layout.alertHabitBlockOffset).prefix(habit.storageCount)
                    if let (columns, lastRow) = habit.habits(block) {
                        let listed = columns.prefix(5).map { String(format: "feature %d: %.2f", $0.column, $0.count) }
                        out += columns.isEmpty
                            ? "  alert habit: none\n"
                            : "  alert habit (decayed count of the alerts each feature dominated, as of row \(lastRow); "
                                + "\(Int(AlertHabit.repeats)) or more mutes): " + listed.joined(separator: ", ") + "\n"
                    } else {
                        out += "  alert habit: not a habit this build could have written\n"
                    }
                }
            } else {
                for (name, count) in names.prefix(20) { out += "  \(name)  \(count) rows\n" }
                if names.count > 20 { out += "  ... \(names.count - 20) more\n" }
            }
            try CommandErrors.writeStandardOutput(out)
        }
    }
}
