import ArgumentParser

/// `clipstream`: real-time anomaly detection on wide telemetry streams with clipped SGD.
@main
struct ClipStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clipstream",
        abstract: "Per-key streaming anomaly detection with clipped SGD.",
        discussion: """
            Each key (host, card, user) gets its own online location estimator in a standardized \
            space, learned with clipped SGD so no single corrupt row can drag it, and a per-key \
            threshold for a target alert rate.
            """,
        subcommands: [Score.self, Replay.self, Convert.self, InspectState.self, Evaluate.self, Generate.self, Demo.self, Bench.self, Experiment.self],
        defaultSubcommand: nil)
}
