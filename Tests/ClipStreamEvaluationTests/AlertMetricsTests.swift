import ClipStreamEvaluation
import TestSupport
import Testing

/// Alert decisions against labels, abstentions counted as silence.
struct AlertMetricsTests {
    @Test func abstentionsCountAsNoAlert() {
        // (label, decision): (1, -) FN, (0, -) TN, (1, 1) TP, (0, 1) FP, (0, 0) TN, (1, 0) FN.
        let metrics = AlertMetrics(
            labels: [true, false, true, false, false, true],
            decisions: [.abstained, .abstained, .alert, .alert, .normal, .normal])
        #expect(metrics.counts.truePositives == 1)
        #expect(metrics.counts.falsePositives == 1)
        #expect(metrics.counts.trueNegatives == 2)
        #expect(metrics.counts.falseNegatives == 2)
        #expect(metrics.abstentions == 2)
        #expect(metrics.alerts == 2)
        // Runs: row 0 (missed: its decision was withheld), row 2 (delay 0), row 5 (missed).
        #expect(metrics.segments == 3)
        #expect(metrics.detectionDelays == [0])
        #expect(isClose(metrics.segmentRecall, 1.0 / 3.0))
        #expect(metrics.medianDetectionDelay == 0)
    }

    @Test func medianOfOddAndEvenCounts() {
        #expect(AlertMetrics.median([5, 1, 3]) == 3)
        // Even count: the mean of the two middle values of [1, 2, 4, 9] is (2 + 4) / 2.
        #expect(AlertMetrics.median([9, 1, 4, 2]) == 3)
        #expect(AlertMetrics.median([0, 1]) == 0.5)
        #expect(AlertMetrics.median([]) == nil)
    }

    @Test func mergeAddsCountsSegmentsAndDelays() {
        var total = AlertMetrics(labels: [true, true, true], decisions: [.normal, .normal, .alert])
        total.merge(AlertMetrics(labels: [true, false], decisions: [.alert, .abstained]))
        // Delays 2 and 0; TP 2, FN 2, TN 1; 2 segments, both detected.
        #expect(total.detectionDelays == [2, 0])
        #expect(total.counts.truePositives == 2)
        #expect(total.counts.falseNegatives == 2)
        #expect(total.counts.trueNegatives == 1)
        #expect(total.segments == 2)
        #expect(total.segmentRecall == 1)
        #expect(total.medianDetectionDelay == 1)
        #expect(total.abstentions == 1)
    }

    @Test func undefinedRatesAreNil() {
        let quiet = AlertMetrics(labels: [false, false], decisions: [.normal, .abstained])
        #expect(quiet.counts.precision == nil)
        #expect(quiet.counts.recall == nil)
        #expect(quiet.segmentRecall == nil)
        #expect(quiet.medianDetectionDelay == nil)
        #expect(quiet.counts.falseAlarmRate == 0)
    }
}
