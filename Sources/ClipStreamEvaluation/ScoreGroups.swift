/// The rows sharing one distinct score, reduced to their label counts.
struct ScoreGroup: Sendable, Equatable {
    /// The shared score.
    var score: Double
    /// Rows in the group labelled positive.
    var positives: Int
    /// Rows in the group labelled negative.
    var negatives: Int
}

/// Sorting and tie grouping shared by every ranking metric.
///
/// Each metric is a single pass over distinct scores in descending order; grouping ties first is
/// what makes the metrics independent of the (arbitrary) order of tied rows, which a per-row pass
/// over a sorted array would not be.
enum ScoreGroups {
    /// Groups `scores` by distinct value, highest first, counting each group's labels.
    /// - Parameters:
    ///   - scores: no NaN (checked: NaN has no place in a ranking).
    ///   - labels: as many as `scores` (checked).
    /// - Returns: one group per distinct score, in descending score order.
    /// - Complexity: O(n log n) time, O(n) memory.
    static func descending(scores: [Double], labels: [Bool]) -> [ScoreGroup] {
        precondition(scores.count == labels.count, "scores and labels must have equal counts")
        precondition(!scores.contains(where: \.isNaN), "scores must not contain NaN")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        // Sized once: grown by doubling, the groups of distinct real scores (one a row) took up
        // to 48 bytes a row instead of 24 (5M rows peaked at 354 MB).
        var distinct = order.isEmpty ? 0 : 1
        for n in order.indices.dropFirst() where scores[order[n]] != scores[order[n - 1]] { distinct += 1 }
        var groups: [ScoreGroup] = []
        groups.reserveCapacity(distinct)
        for i in order {
            let score = scores[i]
            // -0.0 == 0.0, so signed zeros share a group, as they compare equal as thresholds.
            if groups.isEmpty || groups[groups.count - 1].score != score {
                groups.append(ScoreGroup(score: score, positives: 0, negatives: 0))
            }
            if labels[i] {
                groups[groups.count - 1].positives += 1
            } else {
                groups[groups.count - 1].negatives += 1
            }
        }
        return groups
    }
}
