import ArgumentParser
import Logging

/// `--log-level`: diagnostics on stderr (never mixed into the scored output).
struct LoggingOptions: ParsableArguments {
    @Option(help: "Diagnostics on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// A logger writing to stderr at the chosen level.
    var logger: Logger {
        var logger = Logger(label: "clipstream") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        return logger
    }
}
