/// Detection quality of a scored, labelled stream: pooled over all rows, per key, and as the
/// mean over keys.
public struct EvaluationReport: Sendable {
    /// One key's name and metrics.
    public struct Key: Sendable, Equatable {
        /// The key.
        public var name: String
        /// Metrics of the key's rows alone.
        public var metrics: EvaluationMetrics
    }

    /// All rows ranked together; alert metrics summed over keys (segments never span keys).
    public var pooled: EvaluationMetrics
    /// Each key's metrics, in order of the key's first row.
    public var keys: [Key]
    /// The per-key metrics averaged over keys.
    public var keyMeans: KeyMeans

    /// Evaluates `rows`.
    /// - Parameter rows: the stream's rows; each key's rows in stream order form its sequence
    ///   for segments and delays.
    /// - Complexity: O(n log n) time. Memory beyond `rows`: O(n) for the pooled ranking (an
    ///   index permutation, tie groups and a label array, about 40 bytes a row at worst) and for
    ///   the rows grouped by key; one key's arrays at a time.
    public init(rows: EvaluationRows) {
        let (starts, order) = rows.positionsByKey()
        var keys: [Key] = []
        keys.reserveCapacity(rows.keyNames.count)
        var pooledAlerts = AlertMetrics()
        // Reused for every key: one key's rows at a time.
        var scores: [Double] = []
        var labels: [Bool] = []
        var decisions: [AlertDecision] = []
        for (k, name) in rows.keyNames.enumerated() {
            scores.removeAll(keepingCapacity: true)
            labels.removeAll(keepingCapacity: true)
            decisions.removeAll(keepingCapacity: true)
            for position in order[starts[k]..<starts[k + 1]] {
                scores.append(rows.scores[position])
                labels.append(rows.isAnomaly(position))
                decisions.append(rows.decision(position))
            }
            let alerts = AlertMetrics(labels: labels, decisions: decisions)
            pooledAlerts.merge(alerts)
            keys.append(Key(
                name: name,
                metrics: EvaluationMetrics(
                    ranking: RankingMetrics(scores: scores, labels: labels), alerts: alerts)))
        }
        let allLabels = (0..<rows.count).map(rows.isAnomaly)
        pooled = EvaluationMetrics(
            ranking: RankingMetrics(scores: rows.scores, labels: allLabels), alerts: pooledAlerts)
        self.keys = keys
        keyMeans = KeyMeans(keys: keys.map(\.metrics))
    }
}
