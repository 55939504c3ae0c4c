import ArgumentParser
import Foundation
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
    /// - Parameters:
    ///   - configuration: ``makeConfiguration()``'s result, when the caller has it already.
    ///   - engineBytesPerKey: what the command keeps per key besides the generator (the model's
    ///     state for `demo`); with the generator's own state, the keys must fit in memory.
    func makeStream(_ configuration: HardCaseConfiguration? = nil, engineBytesPerKey: Int = 0) throws -> HardCaseStream {
        let configuration = try configuration ?? makeConfiguration()
        try Self.checkMemory(
            keys: keys, dimension: dim, engineBytesPerKey: engineBytesPerKey,
            physicalMemory: ProcessInfo.processInfo.physicalMemory)
        do {
            return try HardCaseStream(configuration: configuration)
        } catch {
            throw ValidationError(Self.message(error))
        }
    }

    /// Bytes the generator holds per key: four `Double`s per feature (scale, mean, drift and
    /// segment sign) and the key's name, seed, arrays' headers and bookkeeping (385 bytes a
    /// key measured at `--dim 2`, 1,320 at `--dim 32`).
    static func generatorBytesPerKey(dimension: Int) -> Int { 32 * dimension + 384 }

    /// Refuses a stream whose keys would not fit in this machine's memory: every key's state is
    /// made before the first row, and an over-large `--keys` x `--dim` ran until the kernel
    /// killed it (or an allocation trapped), with nothing written.
    static func checkMemory(keys: Int, dimension: Int, engineBytesPerKey: Int, physicalMemory: UInt64) throws {
        let perKey = generatorBytesPerKey(dimension: dimension) + engineBytesPerKey
        let (needed, overflow) = keys.multipliedReportingOverflow(by: perKey)
        guard overflow || UInt64(needed) > physicalMemory else { return }
        let gigabytes = { (bytes: Double) in String(format: "%.1f GB", bytes / 1e9) }
        let total = overflow ? "more than \(gigabytes(Double(Int.max)))" : "about \(gigabytes(Double(needed)))"
        throw ValidationError(
            "--keys \(keys) at --dim \(dimension) needs \(total) for the keys' state (\(perKey) bytes each), "
                + "more than this machine's \(gigabytes(Double(physicalMemory))) of memory: lower --keys or --dim")
    }

    /// The configuration the options give, checked.
    func makeConfiguration() throws -> HardCaseConfiguration {
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
            try c.validate()
        } catch {
            throw ValidationError(Self.message(error))
        }
        return c
    }

    /// The configuration's complaint in the command line's own names.
    static func message(_ error: SyntheticConfigurationError) -> String {
        let limits = HardCaseConfiguration.self
        switch error {
        case .rowsNotPositive(let v): return "--rows must be at least 1, got \(v)"
        case .keysNotPositive(let v), .keysTooMany(let v): return "--keys must be in 1...\(limits.maximumKeys), got \(v)"
        case .dimensionNotPositive(let v), .dimensionTooLarge(let v): return "--dim must be in 1...\(limits.maximumDimension), got \(v)"
        case .constantColumnsOutOfRange(let v, let d): return "--constant-columns must be in 0...\(d - 1) (below --dim \(d)), got \(v)"
        case .degreesOfFreedomTooSmall(let v): return "--tail-df must be greater than 2, got \(v)"
        case .anomalyFractionOutOfRange(let v): return "--anomaly-fraction must be in [0, 0.5], got \(v)"
        case .regimeShiftEveryNegative(let v): return "--regime-shift-every must be at least 0 (0: none), got \(v)"
        case .scaleDecadesOutOfRange(let v): return "--scale-decades must be in [0, 24], got \(v)"
        case .magnitudeInvalid(let name, let v):
            let option = switch name {
            case .spikeMagnitude: "--spike-magnitude"
            case .shiftMagnitude: "--shift-magnitude"
            case .regimeShiftMagnitude: "--regime-shift-magnitude"
            case .driftPerRow: "--drift-per-row"
            }
            return "\(option) must be in [0, \(limits.maximumMagnitude)], got \(v)"
        default: return "\(error)"
        }
    }
}
