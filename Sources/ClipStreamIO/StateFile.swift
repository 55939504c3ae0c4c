import CZlib
import ClipStreamCore
import ClipStreamEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The model-state file: every key's name and complete state, the configuration that made
/// them, and free-form metadata (a checkpoint's position), with a CRC-32 over everything.
///
/// Layout (little-endian; `Docs/formats.md`): magic `CLIPSTAT`, version `UInt32` (2), the
/// settings text (`UInt32` length, UTF-8 `name=value` lines), the metadata (`UInt32` length,
/// bytes), values per key (`UInt32`), key count (`UInt64`), then per key: name (`UInt32`
/// length, UTF-8), the ``KeyState`` scalars (88 bytes), its values (`Float32`); last, the
/// CRC-32 of every byte before it (`UInt32`). Keys are ordered by their names' UTF-8 bytes.
public enum StateFile {
    /// The first 8 bytes of every state file.
    public static let magic = Array("CLIPSTAT".utf8)
    /// Bytes of a key's ``KeyState`` scalars in the file.
    static let keyStateBytes = 88

    /// The format version this build writes and reads.
    public static let version: UInt32 = 2

    /// What a state file holds besides the keys.
    public struct Header: Sendable, Equatable {
        /// The configuration's settings, `name=value`.
        public var settings: [String]
        /// Free-form bytes (a checkpoint's position and counters; empty for a saved model).
        public var metadata: [UInt8]
        /// `Float`s per key.
        public var valuesPerKey: Int
        /// Number of keys.
        public var keyCount: Int
    }

    /// Settings added after version 2 was first written, with the value every state written
    /// before them implies: such a state loads as if it recorded it.
    static let settingsAddedLater = [
        "model": "location", "l2": "0.0001", "redescend": "0.0", "season": "off", "whiten": "off",
        "mute-repeats": "off", "run-alerts": "0", "explain-by": "row",
    ]

    /// The setting naming what explanations attribute (``ExplanationBasis``).
    static let explanationSetting = "explain-by"
    /// Settings a state loads under any value: the alert rate only sets how far the threshold
    /// extends the key's tracked quantiles (``ScoreThreshold``), none of what a key learned, so
    /// an operator tunes it without re-learning months of history.
    static let decisionSettings = ["alert-rate"]

    /// The value `header` recorded for `setting` (nil when absent).
    public static func setting(_ setting: String, recordedIn header: Header) -> String? {
        header.settings.map(split).first { $0.0 == setting }?.1
    }

    /// The explanation basis `header` recorded (`row` when it predates the setting), or nil when
    /// it names neither `row` nor `sustained`.
    public static func explanationBasis(recordedIn header: Header) -> ExplanationBasis? {
        let recorded = header.settings.map(split).first { $0.0 == explanationSetting }?.1 ?? settingsAddedLater[explanationSetting]
        return try? explanationBasis(recorded, in: "")
    }

    /// The explanation basis a state recorded (`row` or `sustained`).
    private static func explanationBasis(_ setting: String?, in path: String) throws -> ExplanationBasis {
        guard let setting, let basis = ExplanationBasis(rawValue: setting), basis != .automatic else {
            throw StateError.corrupt(path: path, reason: "explain-by \(setting ?? "absent") is neither row nor sustained")
        }
        return basis
    }

    /// The settings lines of `configuration`.
    public static func settingsLines(_ configuration: Configuration) -> [String] {
        configuration.settings.map { "\($0.name)=\($0.value)" }
    }

    /// Writes the engine's whole state to `path` atomically: a temporary file beside it,
    /// `fsync`, `rename`, then `fsync` of the directory, so a crash leaves either the old file
    /// or the new one, never a mix.
    public static func write(
        _ engine: ShardedEngine, metadata: [UInt8] = [], to path: String
    ) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StateError.io(path: temporary, reason: Syscalls.message(forErrno: errno)) }
        var writer = ChecksummedWriter(fd: fd, path: temporary)
        do {
            writer.append(magic)
            writer.append(version)
            let settings = Array(settingsLines(engine.configuration).joined(separator: "\n").utf8)
            writer.append(UInt32(settings.count))
            writer.append(settings)
            writer.append(UInt32(metadata.count))
            writer.append(metadata)
            writer.append(UInt32(engine.valuesPerKey))
            writer.append(UInt64(engine.keyCount))
            try engine.forEachKey { (name: String, snapshot: KeySnapshot) throws in
                let bytes = Array(name.utf8)
                writer.append(UInt32(bytes.count))
                writer.append(bytes)
                writer.append(snapshot.state)
                snapshot.values.withUnsafeBytes { writer.append(UnsafeRawBufferPointer($0)) }
                try writer.flushIfFull()
            }
            try writer.finish()
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else { throw StateError.io(path: temporary, reason: Syscalls.message(forErrno: errno)) }
        guard rename(temporary, path) == 0 else {
            throw StateError.io(path: path, reason: "rename failed: " + Syscalls.message(forErrno: errno))
        }
        syncDirectory(of: path)
    }

    /// Reads the header of `path` and checks the whole file's checksum, without loading keys.
    public static func readHeader(_ path: String) throws -> Header {
        var reader = try ChecksummedReader(path: path)
        defer { reader.close() }
        let header = try reader.header()
        try reader.verifyRest(skippingKeys: header)
        // Every key takes at least its state and values: a header asking for more than the file
        // holds is damaged, checksum or not (read as is, a crafted one allocated gigabytes). A
        // file of no keys (an empty partition's) holds no values at all: its count is checked
        // against the configuration's before anything is allocated.
        let perKey = Self.keyStateBytes + 4 * header.valuesPerKey
        guard header.keyCount == 0 || (4 * header.valuesPerKey <= reader.size && perKey <= reader.size / header.keyCount) else {
            throw StateError.corrupt(
                path: path, reason: "\(header.keyCount) keys of \(header.valuesPerKey) values do not fit in \(reader.size) bytes")
        }
        return header
    }

    /// Loads `path` into `engine`, which must be empty and built with the same configuration.
    /// - Parameters:
    ///   - accepting: checks the header (its metadata) before any key loads; throws to refuse.
    ///   - keeping: whether a key of the file joins the engine (the others are passed over).
    /// - Returns: the file's header (its metadata included).
    @discardableResult
    public static func load(
        _ path: String, into engine: ShardedEngine, accepting: (Header) throws -> Void = { _ in },
        keeping: (String) -> Bool = { _ in true }
    ) throws -> Header {
        // The checksum is checked before a single key is created: a damaged file never
        // reaches the engine.
        let header = try readHeader(path)
        try accepting(header)
        let expected = settingsLines(engine.configuration)
        var theirs = Dictionary(header.settings.map(split), uniquingKeysWith: { a, _ in a })
        for (name, value) in settingsAddedLater where theirs[name] == nil { theirs[name] = value }
        var ours = Dictionary(expected.map(split), uniquingKeysWith: { a, _ in a })
        // What explanations attribute changes no score: a state loads under either basis, its
        // keys' sustained deviations added (empty) or dropped (``SustainedDeviationChange``).
        let basis = try explanationBasis(theirs.removeValue(forKey: explanationSetting), in: path)
        ours.removeValue(forKey: explanationSetting)
        for name in decisionSettings {
            theirs.removeValue(forKey: name)
            ours.removeValue(forKey: name)
        }
        if theirs != ours {
            let compared = expected.map(split).filter { $0.0 != explanationSetting && !decisionSettings.contains($0.0) }
            let differences = compared.compactMap { name, value -> String? in
                let other = theirs[name] ?? "absent"
                guard other != value else { return nil }
                // The likeliest cause: a label or time column read as a feature, or not.
                let hint = name == "dimension"
                    ? " (input features; are --label-column and --time-column as when it was saved?)"
                    // Narrow inputs' default moved from 0.05 to 0.03 (`--score-smoothing auto`).
                    : name == "score-smoothing" ? " (pass --score-smoothing \(other) to load it)" : ""
                return "\(name) \(other) in the state, \(value) here\(hint)"
            }
            throw StateError.configurationMismatch(
                path: path, differences: differences.isEmpty ? ["settings differ"] : differences)
        }
        var written = engine.configuration
        written.explanationBasis = basis
        let change = SustainedDeviationChange(from: written, to: engine.configuration)
        let stateValues = engine.valuesPerKey - change.valuesAdded
        guard header.valuesPerKey == stateValues else {
            throw StateError.configurationMismatch(
                path: path, differences: ["\(header.valuesPerKey) values per key in the state, \(stateValues) here"])
        }
        precondition(engine.keyCount == 0, "load into an empty engine")
        try readKeys(path, header) { name, written in
            guard keeping(name) else { return }
            let snapshot = change.apply(to: written)
            guard snapshot.isSound(for: engine.configuration) else {
                throw StateError.corrupt(
                    path: path, reason: "key \(name) holds values no model can have (NaN, infinity, a scale <= 0, a negative count)")
            }
            guard engine.router.existingHandle(for: name) == nil else {
                throw StateError.corrupt(path: path, reason: "key \(name) appears twice")
            }
            engine.importKey(name: name, snapshot: snapshot)
        }
        return header
    }

    /// Calls `body` with each key of `path` in file order (for inspection).
    public static func forEachKey(
        in path: String, _ body: (String, KeySnapshot) -> Void
    ) throws {
        try readKeys(path, try readHeader(path), body)
    }

    /// Reads the keys of `path`, whose `header` (checksum included) was already checked.
    private static func readKeys(
        _ path: String, _ header: Header, _ body: (String, KeySnapshot) throws -> Void
    ) throws {
        var reader = try ChecksummedReader(path: path)
        defer { reader.close() }
        _ = try reader.header()
        var values = [Float](repeating: 0, count: header.valuesPerKey)
        for _ in 0..<header.keyCount {
            let name = try reader.name()
            let state = try reader.keyState()
            try values.withUnsafeMutableBytes { bytes throws in try reader.read(into: bytes) }
            try body(name, KeySnapshot(state: state, values: values))
        }
        // A key count below the records (its checksum resealed) dropped the last keys
        // without a word; bytes after the last key are damage too.
        guard reader.isAtEnd else {
            throw StateError.corrupt(path: path, reason: "bytes follow its \(header.keyCount) keys")
        }
    }

    private static func split(_ line: String) -> (String, String) {
        guard let equals = line.firstIndex(of: "=") else { return (line, "") }
        return (String(line[..<equals]), String(line[line.index(after: equals)...]))
    }

    /// `fsync` of the directory holding `path`, so a completed `rename` survives a crash.
    static func syncDirectory(of path: String) {
        let fd = open(Syscalls.folder(of: path), O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
