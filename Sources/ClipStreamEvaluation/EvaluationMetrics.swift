/// Every metric of one set of rows: one key's, or all keys' pooled.
public struct EvaluationMetrics: Sendable, Equatable {
    /// ROC-AUC, average precision and best F1 of the scores.
    public var ranking: RankingMetrics
    /// Precision, recall, false-alarm rate, segments and delays of the engine's alerts.
    public var alerts: AlertMetrics

    /// Combines ranking and alert metrics of the same rows.
    /// - Parameters:
    ///   - ranking: the rows' ranking metrics.
    ///   - alerts: the same rows' alert metrics.
    public init(ranking: RankingMetrics, alerts: AlertMetrics) {
        self.ranking = ranking
        self.alerts = alerts
    }

    /// Rows counted.
    public var rows: Int { ranking.positives + ranking.negatives }
    /// Rows labelled anomalous.
    public var positives: Int { ranking.positives }
}
