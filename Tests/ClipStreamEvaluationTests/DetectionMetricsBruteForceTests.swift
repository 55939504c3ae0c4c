import ClipStreamEvaluation
import TestSupport
import Testing

/// Cross-checks the O(n log n) metrics against O(n^2) definitions on seeded random inputs.
struct DetectionMetricsBruteForceTests {
    /// A random labelled fixture; `levels` > 0 quantizes scores to that many values to force ties.
    static func fixture(seed: UInt64, count: Int, levels: Int) -> (scores: [Double], labels: [Bool])
    {
        var g = TestRandomGenerator(seed: seed)
        let prevalence = 0.05 + 0.5 * g.nextUnit()
        var scores: [Double] = []
        var labels: [Bool] = []
        for _ in 0..<count {
            let label = g.nextUnit() < prevalence
            // Positives score higher on average so the AUC is informative, not ~0.5.
            var score = g.nextUnit() + (label ? 0.3 : 0)
            if levels > 0 { score = (score * Double(levels)).rounded(.down) }
            scores.append(score)
            labels.append(label)
        }
        return (scores, labels)
    }

    /// AUC by its definition: over all positive-negative pairs, 1 per win and 1/2 per tie.
    static func bruteAUC(_ scores: [Double], _ labels: [Bool]) -> Double? {
        var wins = 0.0
        var pairs = 0
        for p in scores.indices where labels[p] {
            for n in scores.indices where !labels[n] {
                pairs += 1
                if scores[p] > scores[n] {
                    wins += 1
                } else if scores[p] == scores[n] {
                    wins += 0.5
                }
            }
        }
        return pairs == 0 ? nil : wins / Double(pairs)
    }

    /// Counts (TP, FP) at every distinct threshold, descending, by a full scan each.
    static func bruteCurve(_ scores: [Double], _ labels: [Bool]) -> [(tp: Int, fp: Int)] {
        Set(scores).sorted(by: >).map { threshold in
            var tp = 0
            var fp = 0
            for i in scores.indices where scores[i] >= threshold {
                if labels[i] { tp += 1 } else { fp += 1 }
            }
            return (tp, fp)
        }
    }

    /// AP by its definition: sum of (R_k - R_{k-1}) P_k over distinct thresholds, descending.
    static func bruteAP(_ scores: [Double], _ labels: [Bool]) -> Double? {
        let positives = labels.filter { $0 }.count
        guard positives > 0 else { return nil }
        var previousRecall = 0.0
        var sum = 0.0
        for (tp, fp) in bruteCurve(scores, labels) {
            let recall = Double(tp) / Double(positives)
            sum += (recall - previousRecall) * Double(tp) / Double(tp + fp)
            previousRecall = recall
        }
        return sum
    }

    /// Best F1 by trying every distinct threshold.
    static func bruteF1(_ scores: [Double], _ labels: [Bool]) -> Double? {
        let positives = labels.filter { $0 }.count
        guard positives > 0 else { return nil }
        return bruteCurve(scores, labels).map { tp, fp in
            Double(2 * tp) / Double(tp + fp + positives)
        }.max()
    }

    @Test(arguments: Array(UInt64(1)...12))
    func metricsMatchPairCountingDefinitions(seed: UInt64) throws {
        var g = TestRandomGenerator(seed: 1000 + seed)
        let count = 1 + g.nextIndex(below: 80)
        // Alternate continuous scores with 3 and 10 levels so ties of every size occur.
        let levels = [0, 3, 10][Int(seed % 3)]
        let (scores, labels) = Self.fixture(seed: seed, count: count, levels: levels)
        // Sums of up to ~1600 terms in another order: a 1e-12 relative budget is ample.
        let auc = DetectionMetrics.rocAUC(scores: scores, labels: labels)
        let bruteAUC = Self.bruteAUC(scores, labels)
        #expect((auc == nil) == (bruteAUC == nil))
        if let bruteAUC { #expect(isClose(auc, bruteAUC, relative: 1e-12, absolute: 1e-15)) }
        let ap = DetectionMetrics.averagePrecision(scores: scores, labels: labels)
        let bruteAP = Self.bruteAP(scores, labels)
        #expect((ap == nil) == (bruteAP == nil))
        if let bruteAP { #expect(isClose(ap, bruteAP, relative: 1e-12, absolute: 1e-15)) }
        let f1 = DetectionMetrics.bestF1(scores: scores, labels: labels)
        let bruteF1 = Self.bruteF1(scores, labels)
        #expect((f1 == nil) == (bruteF1 == nil))
        if let bruteF1 { #expect(isClose(f1, bruteF1, relative: 1e-12)) }
    }

    @Test(arguments: [UInt64(7), 8, 9])
    func metricsIgnoreRowOrder(seed: UInt64) {
        let (scores, labels) = Self.fixture(seed: seed, count: 500, levels: 20)
        // Reverse then rotate: a permutation that moves tied rows relative to each other.
        let permuted = Array(zip(scores, labels).reversed())
        let rotated = Array(permuted[137...] + permuted[..<137])
        let scores2 = rotated.map(\.0)
        let labels2 = rotated.map(\.1)
        // Groups are identical, so the results are bitwise equal, not merely close.
        #expect(
            DetectionMetrics.rocAUC(scores: scores, labels: labels)
                == DetectionMetrics.rocAUC(scores: scores2, labels: labels2))
        #expect(
            DetectionMetrics.averagePrecision(scores: scores, labels: labels)
                == DetectionMetrics.averagePrecision(scores: scores2, labels: labels2))
        #expect(
            DetectionMetrics.bestF1(scores: scores, labels: labels)
                == DetectionMetrics.bestF1(scores: scores2, labels: labels2))
    }
}
