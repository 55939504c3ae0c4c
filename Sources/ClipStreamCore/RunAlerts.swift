extension Configuration {
    /// Whether a row above the threshold comes too late in its run to alert: at least
    /// `runAlerts` rows right before it were above the threshold too (the key's `runLength`,
    /// which counts the row's own score, not a seasonal reference's, and counts rows whose
    /// alert was withheld for another reason, a muted repeat or a veto, as well).
    ///
    /// A level shift keeps every row above the threshold until the key re-anchors
    /// (`restartAfter` rows): 100 alerts for one event. On the demo's stream (a regime shift of
    /// every key every ~5,000 rows, label 0) that was 0.36% false alarms for a 0.1% target,
    /// and 1.7% at d = 256, where every shift clears the threshold; the first 10 rows of each
    /// run bring both to 0.10% and 0.24%. Scores are untouched (a withheld row reports what it
    /// would have as an alert), so rankings are too.
    @inlinable
    func withholdsRunAlert(after state: KeyState) -> Bool {
        runAlerts > 0 && Int(state.runLength) >= runAlerts
    }
}
