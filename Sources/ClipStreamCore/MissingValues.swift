/// Missing values (`--missing impute`): a feature cell that is empty or NaN takes the key's
/// estimate, so the row is scored and learned on the cells it has.
///
/// A missing cell's standardized deviation is 0: it adds nothing to the score or the pull; its
/// estimate does not move and its scale is kept as it was (learned as a deviation of 0, a column
/// missing every other row would shrink its scale by a third); the whitening does not learn the
/// row (its covariance would learn the zeros), and the sustained deviation behind explanations
/// learns a 0 there (the column's share fades while it is missing). A key's first two rows set
/// its estimate and scales outright: a column missing there starts as a constant at the
/// estimate (0 on the key's very first row), as a column that has not varied yet, and the
/// warm-up's steps take it to its values. A key does not re-anchor on a row with missing cells
/// (that column would keep its old level and take the jump as its scale) unless its run has
/// outlasted the patience, so a column that is never reported cannot block it.
///
/// Only the location model without lags or a seasonal reference imputes: a lag window or a
/// seasonal ring would carry the imputed value into later rows as if it had been seen.
extension Configuration {
    /// Whether this configuration can impute missing values (see ``imputesMissing``).
    public var canImputeMissing: Bool {
        model == .location && lags == 0 && effectiveSeason == .off
    }
}

/// Where a row's missing cells were, and what the step must put back.
struct MissingCells {
    /// Columns of the row's missing cells (`count` of them).
    let columns: UnsafeMutablePointer<Int32>
    /// Their scales before the step.
    let scales: UnsafeMutablePointer<Float>
    var count = 0

    /// Copies `x` into `row` with every NaN replaced by the estimate `theta`, noting the
    /// columns and their scales. Returns false (and writes nothing) when `x` has no NaN.
    /// - Complexity: O(width); no allocation.
    mutating func impute(
        _ x: UnsafePointer<Float>, width: Int, theta: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        into row: UnsafeMutablePointer<Float>
    ) -> Bool {
        count = 0
        var any = false
        for j in 0..<width where x[j].isNaN { any = true; break }
        guard any else { return false }
        for j in 0..<width {
            if x[j].isNaN {
                row[j] = theta[j]
                columns[count] = Int32(truncatingIfNeeded: j)
                scales[count] = scale[j]
                count += 1
            } else {
                row[j] = x[j]
            }
        }
        return true
    }

    /// Puts the missing cells' estimates and scales back as they were before the step (a step
    /// after a re-anchoring re-estimates every scale from the row; not for a key's first two
    /// rows, whose step sets them).
    func restore(theta: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>, imputed: UnsafePointer<Float>) {
        for i in 0..<count {
            let j = Int(columns[i])
            theta[j] = imputed[j]
            scale[j] = scales[i]
        }
    }
}

extension UnsafeMutablePointer {
    /// A non-null pointer never dereferenced: stands in for an empty scratch buffer.
    static var placeholder: UnsafeMutablePointer<Pointee> {
        UnsafeMutableRawPointer(bitPattern: MemoryLayout<Pointee>.alignment).unsafelyUnwrapped.assumingMemoryBound(to: Pointee.self)
    }
}
