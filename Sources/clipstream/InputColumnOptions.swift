import ArgumentParser
import ClipStreamIO

/// How an input CSV's columns are read and what a bad row does: shared by `score`, `replay`
/// and `convert`.
struct InputColumnOptions: ParsableArguments {
    @Option(help: "Name of the key column.")
    var keyColumn = "key"

    @Option(help: "Name of a label column to echo (not a feature).")
    var labelColumn: String?

    @Option(help: "Name of a time column to echo (not a feature; any text).")
    var timeColumn: String?

    @Option(help: ArgumentHelp(
        "Bad rows: fail (stop, the default), skip (count and go on), quarantine:FILE (skip, and write the raw lines to FILE, which is replaced).",
        valueName: "policy"))
    var onBadRow = "fail"

    func validate() throws {
        if BadRowPolicy(onBadRow) == nil {
            throw ValidationError("--on-bad-row must be fail, skip or quarantine:FILE")
        }
        // One column in two roles was echoed twice (or a key echoed as a label).
        let roles = [("--key-column", keyColumn as String?), ("--label-column", labelColumn), ("--time-column", timeColumn)]
            .compactMap { role, name in name.map { (role, $0) } }
        for (i, a) in roles.enumerated() {
            for b in roles[(i + 1)...] where a.1 == b.1 {
                throw ValidationError("\(a.0) and \(b.0) name one column, \(a.1): give each role its own column")
            }
        }
    }

    /// Refuses a quarantine file that is the input (appending to it would destroy the rows
    /// before they are read) or one of the outputs (the output's bytes would overwrite the
    /// quarantined lines, or the reverse).
    func refuseQuarantineClash(input: String, outputs: [String]) throws {
        guard case .quarantine(let path) = BadRowPolicy(onBadRow) else { return }
        try OutputTarget.refuseInput(input, asOutput: path, role: "the quarantine file")
        try OutputTarget.refuseClashes([(role: "the quarantine file", path: path)] + outputs.map { (role: "the output", path: $0) })
    }

    /// Sets the columns and the bad-row policy of `options`.
    func apply(to options: inout ScoringOptions) {
        options.keyColumn = keyColumn
        options.labelColumn = labelColumn
        options.timeColumn = timeColumn
        options.badRowPolicy = BadRowPolicy(onBadRow) ?? .fail
    }
}
