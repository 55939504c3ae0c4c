/// What a run does with a bad row (`--on-bad-row`; input-level errors are fatal under every
/// policy).
public enum BadRowPolicy: Sendable, Equatable {
    /// Stop with the row's error, after writing every good row before it.
    case fail
    /// Pass over it: not scored, not written, counted by reason; other rows keep their numbers.
    case skip
    /// As ``skip``, and append its raw bytes (as read, terminator included) to the file.
    case quarantine(path: String)

    /// Parses `fail`, `skip` or `quarantine:FILE`.
    public init?(_ text: String) {
        switch text {
        case "fail": self = .fail
        case "skip": self = .skip
        default:
            guard text.hasPrefix("quarantine:"), text.count > 11 else { return nil }
            self = .quarantine(path: String(text.dropFirst(11)))
        }
    }

    /// Whether bad rows are passed over.
    public var skips: Bool { self != .fail }
}
