import ClipStreamEvaluation
import Testing

/// Segments are maximal runs of anomalies; the delay counts rows inside the run only.
struct AnomalySegmentsTests {
    @Test func runsAndDelays() {
        // Labels  0 1 1 1 0 1 1 0 0 1
        // Alerts  1 0 0 1 0 0 0 0 1 1
        // Runs: rows 1-3 (first alert inside on row 3: delay 2; the alert on row 0 is before
        // the run and does not count), rows 5-6 (no alert: missed), row 9 (alert: delay 0).
        let labels = [false, true, true, true, false, true, true, false, false, true]
        let alerts = [true, false, false, true, false, false, false, false, true, true]
        #expect(AnomalySegments.find(labels: labels, alerts: alerts) == [
            AnomalySegment(start: 1, length: 3, detectionDelay: 2),
            AnomalySegment(start: 5, length: 2, detectionDelay: nil),
            AnomalySegment(start: 9, length: 1, detectionDelay: 0),
        ])
    }

    @Test func onlyTheFirstAlertSetsTheDelay() {
        // One run of 4 rows alerting on rows 1, 2 and 3: delay 1.
        let found = AnomalySegments.find(
            labels: [true, true, true, true], alerts: [false, true, true, true])
        #expect(found == [AnomalySegment(start: 0, length: 4, detectionDelay: 1)])
    }

    @Test func noAnomaliesNoSegments() {
        #expect(AnomalySegments.find(labels: [false, false], alerts: [true, false]).isEmpty)
        #expect(AnomalySegments.find(labels: [], alerts: []).isEmpty)
    }
}
