import ClipStreamEvaluation
import TestSupport
import Testing

struct ConfusionCountsTests {
    @Test func countsAndRates() {
        // decisions [T, T, F, F, T, F] vs labels [T, F, F, T, T, F]:
        // row 0 TP, 1 FP, 2 TN, 3 FN, 4 TP, 5 TN -> TP 2, FP 1, TN 2, FN 1.
        // precision 2/3, recall 2/3, false-alarm rate 1/3, F1 = 4 / (4 + 1 + 1) = 2/3.
        let counts = ConfusionCounts(
            decisions: [true, true, false, false, true, false],
            labels: [true, false, false, true, true, false])
        #expect(counts.truePositives == 2)
        #expect(counts.falsePositives == 1)
        #expect(counts.trueNegatives == 2)
        #expect(counts.falseNegatives == 1)
        #expect(counts.total == 6)
        #expect(isClose(counts.precision, 2.0 / 3.0))
        #expect(isClose(counts.recall, 2.0 / 3.0))
        #expect(isClose(counts.falseAlarmRate, 1.0 / 3.0))
        #expect(isClose(counts.f1, 2.0 / 3.0))
    }

    @Test func addMatchesBatchInitializer() {
        var counts = ConfusionCounts()
        counts.add(decision: true, label: true)
        counts.add(decision: false, label: true)
        counts.add(decision: true, label: false)
        #expect(
            counts == ConfusionCounts(decisions: [true, false, true], labels: [true, true, false]))
    }

    @Test func thresholdInitializerAlarmsAtOrAboveThreshold() {
        // scores [0.2, 0.5, 0.9] vs threshold 0.5: decisions [F, T, T]; labels [F, F, T]
        // -> TN 1, FP 1, TP 1.
        let counts = ConfusionCounts(
            scores: [0.2, 0.5, 0.9], labels: [false, false, true], threshold: 0.5)
        #expect(
            counts
                == ConfusionCounts(decisions: [false, true, true], labels: [false, false, true]))
    }

    @Test func undefinedRatesAreNil() {
        let empty = ConfusionCounts()
        #expect(empty.precision == nil)
        #expect(empty.recall == nil)
        #expect(empty.falseAlarmRate == nil)
        #expect(empty.f1 == nil)
        // Anomalies but no alarm: precision undefined, recall 0, F1 = 0 / (0 + 0 + 2) = 0.
        let silent = ConfusionCounts(
            decisions: [false, false, false], labels: [true, true, false])
        #expect(silent.precision == nil)
        #expect(silent.recall == 0)
        #expect(silent.falseAlarmRate == 0)
        #expect(silent.f1 == 0)
        // Only normal rows: recall undefined, F1 = 0 / (0 + 1 + 0) = 0 with one false alarm.
        let noisy = ConfusionCounts(decisions: [true, false], labels: [false, false])
        #expect(noisy.recall == nil)
        #expect(noisy.precision == 0)
        #expect(noisy.falseAlarmRate == 0.5)
        #expect(noisy.f1 == 0)
    }
}
