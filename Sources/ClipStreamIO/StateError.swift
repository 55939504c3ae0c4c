/// Errors reading or writing a model state or a checkpoint (`Docs/formats.md`).
public enum StateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be opened, read, written or renamed.
    case io(path: String, reason: String)
    /// Not a ClipStream state (wrong magic) or a version this build cannot read.
    case notAState(path: String, reason: String)
    /// The file ends early or its checksum does not match.
    case corrupt(path: String, reason: String)
    /// Made with another configuration or input width.
    case configurationMismatch(path: String, differences: [String])
    /// A checkpoint that does not belong to this run (another input, an output shorter than
    /// recorded, a key partition that differs).
    case checkpointMismatch(path: String, reason: String)

    /// The process exit code (28-31; `Docs/cli.md`).
    public var exitCode: Int32 {
        switch self {
        case .io: 28
        case .notAState, .corrupt: 29
        case .configurationMismatch: 30
        case .checkpointMismatch: 31
        }
    }

    /// A one-line message.
    public var description: String {
        switch self {
        case let .io(path, reason): "state file \(path): \(reason)"
        case let .notAState(path, reason): "\(path) is not a ClipStream state: \(reason)"
        case let .corrupt(path, reason): "state file \(path) is damaged: \(reason)"
        case let .configurationMismatch(path, differences):
            "state file \(path) was made with another configuration: " + differences.joined(separator: ", ")
        case let .checkpointMismatch(path, reason): "checkpoint \(path) does not match this run: \(reason)"
        }
    }
}
