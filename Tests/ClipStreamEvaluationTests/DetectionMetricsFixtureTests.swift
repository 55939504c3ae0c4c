import ClipStreamEvaluation
import TestSupport
import Testing

/// Metrics on small fixtures whose values are worked out by hand in the comments.
struct DetectionMetricsFixtureTests {
    // Fixture A: scores [0.1, 0.4, 0.35, 0.8], labels [F, F, T, T].
    let scoresA = [0.1, 0.4, 0.35, 0.8]
    let labelsA = [false, false, true, true]

    @Test func rocAUCOfDistinctScores() {
        // Positive/negative pairs: 0.35 > 0.1 (win), 0.35 < 0.4 (loss), 0.8 beats both (2 wins).
        // AUC = 3 wins / (2 x 2 pairs) = 0.75.
        #expect(isClose(DetectionMetrics.rocAUC(scores: scoresA, labels: labelsA), 0.75))
    }

    @Test func averagePrecisionOfDistinctScores() {
        // Descending: 0.8 (T): TP 1, FP 0, P 1, R 1/2; 0.4 (F): R unchanged, adds 0;
        // 0.35 (T): TP 2, FP 1, P 2/3, R 1; 0.1 (F): adds 0.
        // AP = 1/2 x 1 + 1/2 x 2/3 = 5/6.
        #expect(
            isClose(DetectionMetrics.averagePrecision(scores: scoresA, labels: labelsA), 5.0 / 6.0))
    }

    @Test func bestF1OfDistinctScores() throws {
        // F1 = 2TP / (2TP + FP + FN) at each threshold:
        // >= 0.8: TP 1, FP 0, FN 1 -> 2/3;  >= 0.4: TP 1, FP 1, FN 1 -> 1/2;
        // >= 0.35: TP 2, FP 1, FN 0 -> 4/5; >= 0.1: TP 2, FP 2, FN 0 -> 2/3. Best 0.8 at 0.35.
        #expect(isClose(DetectionMetrics.bestF1(scores: scoresA, labels: labelsA), 0.8))
        let point = try #require(
            DetectionMetrics.bestF1OperatingPoint(scores: scoresA, labels: labelsA))
        #expect(point.threshold == 0.35)
        var expected = ConfusionCounts()
        expected.truePositives = 2
        expected.falsePositives = 1
        expected.trueNegatives = 1
        expected.falseNegatives = 0
        #expect(point.counts == expected)
    }

    @Test func tiedScoresAcrossClasses() {
        // scores [0.5, 0.5, 0.2, 0.9], labels [T, F, F, T].
        // AUC pairs: 0.5(T) vs 0.5(F) tie 1/2, vs 0.2 win; 0.9 beats both -> 3.5 / 4 = 0.875.
        // AP groups: {0.9: 1 pos} R 1/2, P 1 -> 1/2; {0.5: 1 pos, 1 neg} TP 2 of 3 predicted,
        // R 1 -> 1/2 x 2/3; {0.2} adds 0. AP = 5/6.
        // F1: >= 0.9 -> 2/3; >= 0.5: TP 2, FP 1, FN 0 -> 4/5; >= 0.2: 4/6. Best 0.8.
        let scores = [0.5, 0.5, 0.2, 0.9]
        let labels = [true, false, false, true]
        #expect(isClose(DetectionMetrics.rocAUC(scores: scores, labels: labels), 0.875))
        #expect(
            isClose(DetectionMetrics.averagePrecision(scores: scores, labels: labels), 5.0 / 6.0))
        #expect(isClose(DetectionMetrics.bestF1(scores: scores, labels: labels), 0.8))
    }

    @Test func tiesAreGroupedWhateverTheRowOrder() {
        // scores [0.7, 0.7, 0.7, 0.1], labels [F, T, F, T].
        // AUC: 0.7(T) ties both negatives -> 2 x 1/2; 0.1(T) loses both -> 0. AUC = 1/4.
        // AP: group {0.7: 1 pos, 2 neg}: R 1/2, P 1/3 -> 1/6; {0.1: 1 pos}: R 1, P 2/4 -> 1/4.
        // AP = 1/6 + 1/4 = 5/12. (Ranking the tied positive first would wrongly give P = 1.)
        let scores = [0.7, 0.7, 0.7, 0.1]
        let labels = [false, true, false, true]
        #expect(isClose(DetectionMetrics.rocAUC(scores: scores, labels: labels), 0.25))
        #expect(
            isClose(DetectionMetrics.averagePrecision(scores: scores, labels: labels), 5.0 / 12.0))
        // The same rows with the tied positive moved to the front give identical results.
        let reorderedScores = [0.7, 0.7, 0.7, 0.1]
        let reorderedLabels = [true, false, false, true]
        #expect(
            isClose(DetectionMetrics.rocAUC(scores: reorderedScores, labels: reorderedLabels), 0.25)
        )
        #expect(
            isClose(
                DetectionMetrics.averagePrecision(scores: reorderedScores, labels: reorderedLabels),
                5.0 / 12.0))
    }

    @Test func allEqualScores() {
        // One group of 2 positives and 3 negatives: every pair ties -> AUC 1/2;
        // AP = (2/2) x precision 2/5 = 0.4; the only threshold gives F1 = 4 / (4 + 3 + 0) = 4/7.
        let scores = [Double](repeating: 0.3, count: 5)
        let labels = [true, false, false, true, false]
        #expect(isClose(DetectionMetrics.rocAUC(scores: scores, labels: labels), 0.5))
        #expect(isClose(DetectionMetrics.averagePrecision(scores: scores, labels: labels), 0.4))
        #expect(isClose(DetectionMetrics.bestF1(scores: scores, labels: labels), 4.0 / 7.0))
    }

    @Test func perfectAndInvertedRankings() {
        let labels = [false, false, true, true]
        #expect(DetectionMetrics.rocAUC(scores: [1, 2, 3, 4], labels: labels) == 1)
        #expect(DetectionMetrics.rocAUC(scores: [4, 3, 2, 1], labels: labels) == 0)
        #expect(DetectionMetrics.averagePrecision(scores: [1, 2, 3, 4], labels: labels) == 1)
        #expect(DetectionMetrics.bestF1(scores: [1, 2, 3, 4], labels: labels) == 1)
        // Inverted, descending 4(F) 3(F) 2(T) 1(T): at 2, P 1/3 and R 1/2 -> 1/6;
        // at 1, P 2/4 and R 1 -> 1/4. AP = 5/12.
        #expect(
            isClose(
                DetectionMetrics.averagePrecision(scores: [4, 3, 2, 1], labels: labels), 5.0 / 12.0)
        )
    }

    @Test func singleClassGivesNil() {
        let scores = [0.1, 0.2, 0.3]
        #expect(DetectionMetrics.rocAUC(scores: scores, labels: [false, false, false]) == nil)
        #expect(DetectionMetrics.rocAUC(scores: scores, labels: [true, true, true]) == nil)
        #expect(DetectionMetrics.rocAUC(scores: [], labels: []) == nil)
        #expect(
            DetectionMetrics.averagePrecision(scores: scores, labels: [false, false, false]) == nil)
        #expect(DetectionMetrics.bestF1(scores: scores, labels: [false, false, false]) == nil)
        // Only positives: every threshold has precision 1 -> AP 1; the lowest threshold recalls
        // all -> F1 1.
        #expect(DetectionMetrics.averagePrecision(scores: scores, labels: [true, true, true]) == 1)
        #expect(DetectionMetrics.bestF1(scores: scores, labels: [true, true, true]) == 1)
    }
}
