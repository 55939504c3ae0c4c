/// Per-key regression by clipped SGD (``ModelKind/linear(target:)`` and
/// ``ModelKind/logistic(target:)``): each key predicts one input column from its other
/// features (with `lags`, from its previous rows too: an autoregression), and a row's score is
/// the pull of its residual against the key's own history. Same bank, lag windows, score
/// calibration, threshold, snapshots and engine as ``LocationDetector``; the step is
/// ``RegressionStep``'s.
///
/// In the bank, a key's `theta` holds its weights (the bias in the target's slot) and `scale`
/// its features' running mean magnitudes. Owns per-detector scratch, so one detector serves
/// one thread (a shard) at a time.
public struct RegressionDetector: Sendable {
    /// The validated configuration (its ``Configuration/model`` is a regression).
    public let configuration: Configuration
    /// The per-key weights, feature scales and scalars.
    public private(set) var bank: EstimatorBank
    @usableFromInline let schedule: LearningRateSchedule
    @usableFromInline let thresholdModel: ScoreThreshold
    private var features: [Float]
    /// The current row extended with its lags (empty without lags).
    private var shingle: [Float]

    /// Creates an empty detector; `configuration` must already be validated and name a
    /// regression model.
    public init(configuration: Configuration) {
        precondition(configuration.model.target != nil, "a regression model needs a target column")
        self.configuration = configuration
        let width = configuration.modelDimension
        bank = EstimatorBank(dimension: width, lagWidth: width - configuration.dimension)
        schedule = LearningRateSchedule(configuration)
        thresholdModel = ScoreThreshold(configuration)
        features = [Float](repeating: 0, count: width)
        shingle = [Float](repeating: 0, count: configuration.lags > 0 ? width : 0)
    }

    /// Scores and then learns the rows listed in `order` (see ``KeyedDetector``); every row is
    /// attributed (`attribution` is not used: the attribution costs O(k) here).
    /// - Complexity: O(d) per row (`d` the model dimension); no allocation.
    public mutating func process(
        rows: UnsafePointer<Float>, rowStride: Int, order: UnsafeBufferPointer<Int32>,
        slots: UnsafePointer<Int32>, results: UnsafeMutablePointer<RowScore>,
        explainCount: Int, attribution: AttributionScope, topIndices: UnsafeMutablePointer<Int32>,
        topShares: UnsafeMutablePointer<Float>
    ) {
        let step = RegressionStep(
            configuration: configuration, schedule: schedule, threshold: thresholdModel)
        let inputWidth = configuration.dimension
        features.withUnsafeMutableBufferPointer { u in
            shingle.withUnsafeMutableBufferPointer { extended in
                bank.withStorage { storage in
                    LagWindow.forEachModelRow(
                        rows: rows, rowStride: rowStride, order: order, slots: slots,
                        inputWidth: inputWidth, storage: storage, shingle: extended
                    ) { n, i, slot, x in
                        results[n] = step.step(
                            x: x, slot: slot, storage: storage, u: u.baseAddress.unsafelyUnwrapped,
                            explainCount: explainCount,
                            topIndices: topIndices + i * explainCount,
                            topShares: topShares + i * explainCount)
                    }
                }
            }
        }
    }

    /// A copy of one key's weights, the bias in the target's slot (for tests and inspection).
    public func weights(slot: Int) -> [Float] { bank.location(slot: slot) }
}

extension RegressionDetector: KeyedDetector {
    /// Number of keys held.
    public var keyCount: Int { bank.keyCount }
    /// Bytes of model state per key (as ``LocationDetector``'s: weights for the location).
    public var bytesPerKey: Int { bank.bytesPerKey }
    /// `Float`s per key in a snapshot.
    public var valuesPerKey: Int { bank.valuesPerKey }
    /// Adds a key and returns its slot.
    public mutating func addKey() -> Int { bank.addKey() }
    /// A copy of one key's state.
    public func snapshot(slot: Int) -> KeySnapshot { bank.snapshot(slot: slot) }
    /// Overwrites one key's state (see ``EstimatorBank/restore(_:slot:)``).
    public mutating func restore(_ snapshot: KeySnapshot, slot: Int) { bank.restore(snapshot, slot: slot) }
    /// Returns a slot to the state of a key that has seen nothing.
    public mutating func resetKey(slot: Int) { bank.reset(slot: slot) }
}

extension ModelKind {
    /// A detector of this kind for `configuration` (validated, with this ``ModelKind``): what
    /// the engine builds for each shard.
    public static func makeDetector(_ configuration: Configuration) -> any KeyedDetector {
        switch configuration.model {
        case .location: LocationDetector(configuration: configuration)
        case .linear, .logistic: RegressionDetector(configuration: configuration)
        }
    }
}
