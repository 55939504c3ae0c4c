import ClipStreamEvaluation
import TestSupport
import Testing

/// `EvaluationReport` on `EvaluationFixture`, every value worked out by hand below.
struct EvaluationReportTests {
    let report = EvaluationReport(rows: EvaluationFixture.rows)

    func key(_ name: String) throws -> EvaluationMetrics {
        try #require(report.keys.first { $0.name == name }).metrics
    }

    @Test func keysInOrderOfFirstRow() {
        #expect(report.keys.map(\.name) == ["A", "B", "C"])
        #expect(report.keys.map(\.metrics.rows) == [10, 10, 4])
    }

    @Test func keyA() throws {
        let a = try key("A")
        // Positives 5.0 4.0 3.0 2.0 2.0; negatives 3.0 1.0 1.0 1.0 1.0.
        // ROC-AUC: negatives below each positive, ties 1/2: 5 + 5 + (4 + 1/2) + 4 + 4 = 22.5;
        // 22.5 / 25 = 0.9.
        #expect(isClose(a.ranking.rocAUC, 0.9))
        // AP over groups 5 (1P), 4 (1P), 3 (1P 1N), 2 (2P), 1 (4N), P = 5:
        // 1/5 x 1/1 + 1/5 x 2/2 + 1/5 x 3/4 + 2/5 x 5/6 = 0.2 + 0.2 + 0.15 + 1/3 = 53/60.
        #expect(isClose(a.ranking.averagePrecision, 53.0 / 60.0))
        // F1 = 2TP / (2TP + FP + FN): >= 5: 2/7; >= 4: 4/7; >= 3: 6/9; >= 2: TP 5, FP 1 -> 10/11;
        // >= 1: 10/15. Best 10/11 at 2.
        #expect(isClose(a.ranking.bestF1?.counts.f1, 10.0 / 11.0))
        #expect(a.ranking.bestF1?.threshold == 2)
        // Alerts on rows 4, 5 (anomalies) and 6 (normal): TP 2, FP 1; missed rows 2, 3, 8: FN 3;
        // TN rows 0, 1 (withheld), 7, 9: 4. Precision 2/3, recall 2/5, false-alarm rate 1/5.
        #expect(a.alerts.counts.truePositives == 2)
        #expect(a.alerts.counts.falsePositives == 1)
        #expect(a.alerts.counts.falseNegatives == 3)
        #expect(a.alerts.counts.trueNegatives == 4)
        #expect(isClose(a.alerts.counts.precision, 2.0 / 3.0))
        #expect(isClose(a.alerts.counts.recall, 0.4))
        #expect(isClose(a.alerts.counts.falseAlarmRate, 0.2))
        #expect(a.alerts.abstentions == 2)
        // Segments rows 2-5 (first alert row 4: delay 2) and row 8 (missed): recall 1/2, median 2.
        #expect(a.alerts.segments == 2)
        #expect(a.alerts.detectionDelays == [2])
        #expect(a.alerts.segmentRecall == 0.5)
        #expect(a.alerts.medianDetectionDelay == 2)
    }

    @Test func keyB() throws {
        let b = try key("B")
        // Positives 6 2 3 3; negatives 1 2 0.5 1 4 0.5.
        // ROC-AUC: 6 -> 6; 3 -> 5 (only 4 is above); 3 -> 5; 2 -> 4 + 1/2 (tie with 2).
        // 20.5 / 24 = 41/48.
        #expect(isClose(b.ranking.rocAUC, 41.0 / 48.0))
        // AP over 6 (1P), 4 (1N), 3 (2P), 2 (1P 1N), 1 (2N), 0.5 (2N), P = 4:
        // 1/4 x 1/1 + 2/4 x 3/4 + 1/4 x 4/6 = 1/4 + 3/8 + 1/6 = 19/24.
        #expect(isClose(b.ranking.averagePrecision, 19.0 / 24.0))
        // F1: >= 6: 2/5; >= 4: 2/6; >= 3: TP 3 FP 1 FN 1 -> 6/8; >= 2: TP 4 FP 2 -> 8/10;
        // >= 1: 8/12; >= 0.5: 8/14. Best 0.8 at 2.
        #expect(isClose(b.ranking.bestF1?.counts.f1, 0.8))
        #expect(b.ranking.bestF1?.threshold == 2)
        // Alerts rows 1, 8 (anomalies), 6 (normal): TP 2, FP 1, FN 2 (rows 2, 7), TN 5.
        #expect(isClose(b.alerts.counts.precision, 2.0 / 3.0))
        #expect(isClose(b.alerts.counts.recall, 0.5))
        #expect(isClose(b.alerts.counts.falseAlarmRate, 1.0 / 6.0))
        #expect(b.alerts.abstentions == 1)
        // Segments rows 1-2 (delay 0) and 7-8 (delay 1): both detected; median of [0, 1] = 0.5.
        #expect(b.alerts.segments == 2)
        #expect(b.alerts.detectionDelays == [0, 1])
        #expect(b.alerts.segmentRecall == 1)
        #expect(b.alerts.medianDetectionDelay == 0.5)
    }

    @Test func keyCHasOneClass() throws {
        let c = try key("C")
        // Normal rows only: no ranking metric; one false alarm in 4 normal rows.
        #expect(!c.ranking.hasBothClasses)
        #expect(c.ranking.rocAUC == nil)
        #expect(c.ranking.averagePrecision == nil)
        #expect(c.ranking.bestF1 == nil)
        #expect(c.alerts.counts.precision == 0)
        #expect(c.alerts.counts.recall == nil)
        #expect(c.alerts.counts.falseAlarmRate == 0.25)
        #expect(c.alerts.segments == 0)
        #expect(c.alerts.segmentRecall == nil)
    }

    @Test func pooled() {
        let pooled = report.pooled
        #expect(pooled.rows == 24)
        #expect(pooled.positives == 9)
        // Negatives: 7, 4, 3, 2, eight 1s, three 0.5s (15). Positives: 6, 5, 4, 3 3 3, 2 2 2.
        // ROC-AUC: 6 -> 14; 5 -> 14; 4 -> 13 + 1/2; each 3 -> 12 + 1/2; each 2 -> 11 + 1/2.
        // (14 + 14 + 13.5 + 3 x 12.5 + 3 x 11.5) / (9 x 15) = 113.5 / 135 = 227/270.
        #expect(isClose(pooled.ranking.rocAUC, 227.0 / 270.0))
        // AP over 7 (1N), 6 (1P), 5 (1P), 4 (1P 1N), 3 (3P 1N), 2 (3P 1N), 1, 0.5 (negatives):
        // 1/9 x 1/2 + 1/9 x 2/3 + 1/9 x 3/5 + 3/9 x 6/9 + 3/9 x 9/13
        // = 1/18 + 2/27 + 1/15 + 2/9 + 3/13 = (195 + 260 + 234 + 780 + 810) / 3510 = 2279/3510.
        #expect(isClose(pooled.ranking.averagePrecision, 2279.0 / 3510.0))
        // F1: >= 6: 2/11; >= 5: 4/12; >= 4: 6/14; >= 3: TP 6 FP 3 FN 3 -> 12/18;
        // >= 2: TP 9 FP 4 -> 18/22; >= 1: 18/30. Best 9/11 at 2.
        #expect(isClose(pooled.ranking.bestF1?.counts.f1, 9.0 / 11.0))
        #expect(pooled.ranking.bestF1?.threshold == 2)
        // Alerts: TP 2 + 2, FP 1 + 1 + 1, FN 3 + 2, TN 4 + 5 + 3.
        // Precision 4/7, recall 4/9, false-alarm rate 3/15.
        #expect(isClose(pooled.alerts.counts.precision, 4.0 / 7.0))
        #expect(isClose(pooled.alerts.counts.recall, 4.0 / 9.0))
        #expect(isClose(pooled.alerts.counts.falseAlarmRate, 0.2))
        #expect(pooled.alerts.abstentions == 4)
        // Segments: 2 in A, 2 in B; 3 detected with delays [2, 0, 1]: median 1.
        #expect(pooled.alerts.segments == 4)
        #expect(pooled.alerts.segmentRecall == 0.75)
        #expect(pooled.alerts.medianDetectionDelay == 1)
    }

    @Test func keyMeansSkipKeysWhereAMetricIsUndefined() {
        let means = report.keyMeans
        // Ranking means over A and B only (C has one class):
        // ROC-AUC (9/10 + 41/48) / 2 = 421/480; AP (53/60 + 19/24) / 2 = 201/240;
        // best F1 (10/11 + 4/5) / 2 = 47/55.
        #expect(means.rocAUC.keys == 2)
        #expect(isClose(means.rocAUC.value, 421.0 / 480.0))
        #expect(means.averagePrecision.keys == 2)
        #expect(isClose(means.averagePrecision.value, 201.0 / 240.0))
        #expect(means.bestF1.keys == 2)
        #expect(isClose(means.bestF1.value, 47.0 / 55.0))
        // Precision over the keys with an alert (all three): (2/3 + 2/3 + 0) / 3 = 4/9.
        #expect(means.precision.keys == 3)
        #expect(isClose(means.precision.value, 4.0 / 9.0))
        // Recall over keys with anomalies: (2/5 + 1/2) / 2 = 0.45.
        #expect(means.recall.keys == 2)
        #expect(isClose(means.recall.value, 0.45))
        // False-alarm rate over all three: (1/5 + 1/6 + 1/4) / 3 = 37/180.
        #expect(means.falseAlarmRate.keys == 3)
        #expect(isClose(means.falseAlarmRate.value, 37.0 / 180.0))
        // Segment recall (1/2 + 1) / 2; mean of the median delays (2 + 0.5) / 2.
        #expect(means.segmentRecall.keys == 2)
        #expect(means.segmentRecall.value == 0.75)
        #expect(means.medianDetectionDelay.keys == 2)
        #expect(means.medianDetectionDelay.value == 1.25)
    }

    @Test func rankingMetricsMatchDetectionMetrics() {
        // One shared sort gives what the three separate functions give.
        let rows = EvaluationFixture.rows
        let labels = (0..<rows.count).map(rows.isAnomaly)
        let ranking = RankingMetrics(scores: rows.scores, labels: labels)
        #expect(ranking.rocAUC == DetectionMetrics.rocAUC(scores: rows.scores, labels: labels))
        #expect(
            ranking.averagePrecision
                == DetectionMetrics.averagePrecision(scores: rows.scores, labels: labels))
        #expect(
            ranking.bestF1 == DetectionMetrics.bestF1OperatingPoint(scores: rows.scores, labels: labels))
    }

    @Test func rowsStoreTheirFlagsAndKeys() {
        let rows = EvaluationFixture.rows
        #expect(rows.count == 24)
        #expect(rows.keyNames == ["A", "B", "C"])
        // Stream order A0 B0 C0 A1 B1 C1 A2 ...: row 4 is B1 (anomaly, alert), row 6 is A2.
        #expect(rows.keyIndices.prefix(7) == [0, 1, 2, 0, 1, 2, 0])
        #expect(rows.isAnomaly(4) && rows.decision(4) == .alert && rows.scores[4] == 6)
        #expect(rows.decision(0) == .abstained && !rows.isAnomaly(0))
        #expect(rows.isAnomaly(6) && rows.decision(6) == .normal)
    }
}
