import ArgumentParser
import ClipStreamSynthetic

/// Options of the synthetic hard-case stream (`generate` and `demo`).
struct StreamOptions: ParsableArguments {
    @Option(help: "Total rows over all keys.")
    var rows: Int = HardCaseConfiguration().rows
    @Option(help: "Number of keys (hosts).")
    var keys: Int = HardCaseConfiguration().keys
    @Option(help: "Features per row.")
    var dim: Int = HardCaseConfiguration().dimension
    @Option(help: "Random seed; the same seed gives the same stream.")
    var seed: UInt64 = HardCaseConfiguration().seed
    @Option(help: "Student-t degrees of freedom of the noise (> 2).")
    var tailDf: Double = HardCaseConfiguration().tailDegreesOfFreedom
    @Option(help: "Fraction of rows that are anomalies.")
    var anomalyFraction: Double = HardCaseConfiguration().anomalyFraction
    @Option(help: "Spike magnitude in units of each column's scale.")
    var spikeMagnitude: Double = HardCaseConfiguration().spikeMagnitude
    @Option(help: "Moderate all-coordinate shift of a shift-all anomaly, in scale units.")
    var shiftMagnitude: Double = HardCaseConfiguration().shiftMagnitude
    @Option(help: "Rows of a key between regime shifts (label 0; +-20% jitter).")
    var regimeShiftEvery: Int = HardCaseConfiguration().regimeShiftEvery
    @Option(help: "Regime shift size per coordinate, in scale units.")
    var regimeShiftMagnitude: Double = HardCaseConfiguration().regimeShiftMagnitude
    @Option(help: "Slow drift of the mean per row, in scale units.")
    var driftPerRow: Double = HardCaseConfiguration().driftPerRow
    @Option(help: "Number of constant columns, the last ones (default: 3, or half of --dim when that is fewer).")
    var constantColumns: Int?
    @Option(help: "Decades spanned by the per-column scales.")
    var scaleDecades: Double = HardCaseConfiguration().scaleDecades

    /// The configured stream; validation errors become `ValidationError`s.
    func makeStream() throws -> HardCaseStream {
        var c = HardCaseConfiguration()
        c.rows = rows
        c.keys = keys
        c.dimension = dim
        c.seed = seed
        c.tailDegreesOfFreedom = tailDf
        c.anomalyFraction = anomalyFraction
        c.spikeMagnitude = spikeMagnitude
        c.shiftMagnitude = shiftMagnitude
        c.regimeShiftEvery = regimeShiftEvery
        c.regimeShiftMagnitude = regimeShiftMagnitude
        c.driftPerRow = driftPerRow
        // A narrow stream keeps at least half its columns varying (3 of 4 constant left one, and
        // --dim 3 failed).
        c.constantColumns = constantColumns ?? min(HardCaseConfiguration().constantColumns, c.dimension / 2)
        c.scaleDecades = scaleDecades
        do {
            return try HardCaseStream(configuration: c)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
