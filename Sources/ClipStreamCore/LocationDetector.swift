import ClipStreamKernels

/// Clipped-SGD location detector over an ``EstimatorBank`` (ALGORITHM.md sections 2-6).
///
/// For each row of a key: standardize by the key's scale, score the pull `r = ||z||` against
/// the key's running median pull `m` (before learning: prequential), decide against the key's
/// threshold, then take one clipped step, `theta += eta * min(1, lambda / r) * scale * z` with
/// `lambda = c_lambda * m`, and update the scale, `m` and the score quantiles.
///
/// With `lags > 0` each row is first extended with its key's previous `L` rows (the first row
/// of a key stands in for the rows it has not seen), and the model runs on the extended row.
///
/// Owns per-detector scratch, so one detector serves one thread (a shard) at a time.
public struct LocationDetector: Sendable {
    /// The validated configuration.
    public let configuration: Configuration
    /// The per-key estimators.
    public private(set) var bank: EstimatorBank
    @usableFromInline let schedule: LearningRateSchedule
    @usableFromInline let thresholdModel: ScoreThreshold
    @usableFromInline let strategy: KernelStrategy
    /// The `Float` scratch, one block: the residual `z` and the step's work (`d` each), the
    /// current row extended with its lags (`d`, with lags only), then a row with its missing
    /// cells imputed and their scales before the step (`2 w`, when imputing only).
    private var scratch: [Float]
    /// Where the extended row and the imputed row start in ``scratch``.
    private let shingleStart: Int
    private let imputationStart: Int
    /// The residual whitening's factorization scratch (empty without whitening).
    private var whiteningFactor: [Double]
    /// The columns of a row's missing cells (empty unless the configuration imputes).
    private var missingColumns: [Int32]

    /// Creates an empty detector; `configuration` must already be validated.
    public init(configuration: Configuration) {
        self.configuration = configuration
        let width = configuration.modelDimension
        bank = EstimatorBank(
            dimension: width, lagWidth: width - configuration.dimension,
            blockWidth: configuration.referenceBlockWidth)
        schedule = LearningRateSchedule(configuration)
        thresholdModel = ScoreThreshold(configuration)
        strategy = configuration.kernelStrategy
        let imputing = configuration.imputesMissing ? configuration.dimension : 0
        shingleStart = 2 * width
        imputationStart = shingleStart + (configuration.lags > 0 ? width : 0)
        scratch = [Float](repeating: 0, count: imputationStart + 2 * imputing)
        whiteningFactor = [Double](repeating: 0, count: configuration.whiteningLayout?.factorScratchCount ?? 0)
        missingColumns = [Int32](repeating: 0, count: imputing)
    }

    /// Adds a key and returns its slot.
    public mutating func addKey() -> Int { bank.addKey() }

    /// Scores and then learns a run of rows, in order.
    ///
    /// - Parameters:
    ///   - rows: rows of `dimension` input values each, row `i` at `rows + i * rowStride`.
    ///   - order: which rows to process and in what order (indices into `rows` and `results`).
    ///   - slots: the key slot of each row, indexed like `rows`.
    ///   - results: output, indexed like `rows`.
    ///   - explainCount: `k` of the top-k attribution (0 for none).
    ///   - attribution: which rows get the attribution; the others get indices `0..<k`,
    ///     shares 0.
    ///   - topIndices, topShares: outputs of `k` per row, indexed like `rows`.
    /// - Complexity: O(d) per row (`d` the model dimension); no allocation.
    public mutating func process(
        rows: UnsafePointer<Float>, rowStride: Int, order: UnsafeBufferPointer<Int32>,
        slots: UnsafePointer<Int32>, results: UnsafeMutablePointer<RowScore>,
        explainCount: Int, attribution: AttributionScope, topIndices: UnsafeMutablePointer<Int32>,
        topShares: UnsafeMutablePointer<Float>
    ) {
        let step = self.rowContext
        let inputWidth = configuration.dimension
        let imputes = configuration.imputesMissing
        let modelWidth = configuration.modelDimension
        let (shingleStart, imputationStart) = (self.shingleStart, self.imputationStart)
        scratch.withUnsafeMutableBufferPointer { floats in
            let base = floats.baseAddress.unsafelyUnwrapped
            let z = base
            let w = base + modelWidth
            let extended = UnsafeMutableBufferPointer(rebasing: floats[shingleStart..<imputationStart])
            let imputed = base + imputationStart
            // The factor's base address is nil without whitening (an empty array).
            whiteningFactor.withUnsafeMutableBufferPointer { factor in
                missingColumns.withUnsafeMutableBufferPointer { columns in
                    // Unused unless the configuration imputes (then the arrays are empty).
                    var missing = MissingCells(
                        columns: columns.baseAddress ?? .placeholder,
                        scales: imputes ? imputed + inputWidth : .placeholder)
                    bank.withStorage { storage in
                        LagWindow.forEachModelRow(
                            rows: rows, rowStride: rowStride, order: order, slots: slots,
                            inputWidth: inputWidth, storage: storage, shingle: extended
                        ) { n, i, slot, x in
                            var row = x
                            // A key's first two rows set its estimate and scales outright:
                            // there, a missing cell starts its column as a constant at the
                            // estimate (0 on the first row).
                            var restores = false
                            if imputes,
                                missing.impute(
                                    x, width: inputWidth, theta: storage.theta(slot),
                                    scale: storage.scale(slot), into: imputed)
                            {
                                row = UnsafePointer(imputed)
                                restores = storage.state(slot).pointee.rowCount >= 2
                            }
                            results[n] = step.step(
                                x: row, slot: slot, storage: storage, z: z, work: w,
                                whiteningScratch: factor.baseAddress,
                                explainCount: explainCount, attribution: attribution,
                                topIndices: topIndices + i * explainCount,
                                topShares: topShares + i * explainCount, hasMissing: imputes && missing.count > 0)
                            if imputes && missing.count > 0 {
                                if restores {
                                    missing.restore(theta: storage.theta(slot), scale: storage.scale(slot), imputed: row)
                                }
                                results[n].imputedValues = Int32(truncatingIfNeeded: missing.count)
                            }
                        }
                    }
                }
            }
        }
    }

    var rowContext: RowStep {
        RowStep(
            configuration: configuration, schedule: schedule, threshold: thresholdModel,
            strategy: strategy)
    }
}

extension LocationDetector {
    /// A copy of one key's state.
    public func snapshot(slot: Int) -> KeySnapshot { bank.snapshot(slot: slot) }

    /// Overwrites one key's state (see ``EstimatorBank/restore(_:slot:)``).
    public mutating func restore(_ snapshot: KeySnapshot, slot: Int) {
        bank.restore(snapshot, slot: slot)
    }
}

extension LocationDetector {
    /// Returns a slot to the state of a key that has seen nothing.
    public mutating func resetKey(slot: Int) { bank.reset(slot: slot) }
}
