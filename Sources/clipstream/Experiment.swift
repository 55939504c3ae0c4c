import ArgumentParser

/// `clipstream experiment`: the method's claims reproduced in process, seeded.
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce the method's claims in process: tracking under corruption and drift, MNIST drift, regression models.",
        subcommands: [ExperimentTracking.self, ExperimentDigits.self, ExperimentRegression.self])
}
