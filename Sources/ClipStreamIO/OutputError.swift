/// Errors writing output.
public enum OutputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reader of a pipe went away (`EPIPE`), e.g. `clipstream score ... | head`.
    ///
    /// `write(2)` only reports `EPIPE` when `SIGPIPE` is ignored; with the default disposition the
    /// process is killed instead. The CLI decides which it wants (this module changes no signal state).
    case brokenPipe
    /// `write(2)` failed for another reason (`ENOSPC`, `EIO`, ...).
    case writeFailed(reason: String)

    /// The process exit code: 19 for a broken pipe, 20 for other write failures.
    ///
    /// These follow ``InputError``'s codes (3...18) so each class has its own code.
    public var exitCode: Int32 {
        switch self {
        case .brokenPipe: 19
        case .writeFailed: 20
        }
    }

    /// A one-line message.
    public var description: String {
        switch self {
        case .brokenPipe: "write failed: broken pipe"
        case let .writeFailed(reason): "write failed: \(reason)"
        }
    }
}
