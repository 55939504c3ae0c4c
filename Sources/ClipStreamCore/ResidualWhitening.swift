import ClipStreamKernels

/// A key's residual whitening: the covariance `C` of the key's past standardized residuals `z`
/// and the inverse `W = L^-1` of the Cholesky factor `L` of `C + I`. A row ranks by
/// `sqrt(|W z|^2 / d)`, the root mean
/// square of its whitened residual, put in the plain score's units by the ratio of the two
/// scores' running medians; alerts, runs and the threshold keep the plain score
/// (``RowStep``).
///
/// Why: the plain score (the root mean square of `z`) treats columns as independent, so a row
/// that breaks how the key's columns usually move together (a server's load up while its
/// traffic is flat) scores like any row of the same size, and a move along a direction the
/// columns always share (a regime shift of every column) scores high for as long as it lasts.
/// Measured in `Docs/quality.md` ("Correlation-aware ranking").
///
/// Robustness: each coordinate enters `C` clipped at ``clip`` (a spike of 1e30 moves `C` no
/// more than one of 100), rows the step bounds as absurd are not learned at all (a burst of
/// them would still teach `C` their direction), the ridge `I` keeps every pivot of the factor
/// at 1 or more (a state crafted so that `C + I` cannot factor leaves the key unwhitened), and
/// no gradient step, clip or decision depends on the whitened score.
///
/// Per-key block of `Float`s: rows learned (capped at ``horizon``), rows since the last
/// factorization, the plain and the whitened score's running medians, then `C` and `W`, each in
/// panels of 8 rows: panel `p` holds rows `8p ..< 8p + 8` over columns `0 ..< min(8p + 8, d)`,
/// column by column (entry `(r, j)` at the panel's start `+ 8 j + r % 8`; ``panelStart(_:)``).
/// The whitened score is then, per panel, 8-lane multiply-adds of `W`'s columns by `z_j`, and
/// the covariance update 8-lane updates of `C`'s columns: no horizontal sums, no scalar tails
/// (the packed rows' loops before cost some 40% of the engine's time at d = 38). Rows past `d`
/// are zero in both; in `W` so is every entry above the diagonal (in `C` those hold the
/// symmetric values, never read). `W` is all zero until the key has learned ``readyRows`` rows;
/// a key learns only settled rows (after its warm-up, outside the quiet window after a
/// re-anchoring: ``RowStep``), whose scales make `z` mean what it says.
public struct ResidualWhitening: Sendable, Equatable {
    /// Model features per row (`d`: the row and its lags).
    public let dimension: Int

    /// Memory of `C` in rows: each row weighs `max(1/n, 1/horizon)`. SMD's machines have some
    /// 50,000 rows, so this is about a running mean over them (an offline sweep of 16,384-65,536
    /// gave SMD group 1 mean PR-AUC 0.42-0.43; 8,192 in the engine 0.417).
    static let horizon: Float = 32_768
    /// Ridge added to `C`'s diagonal before factoring: a column with no variance then whitens
    /// as itself, and a learned `C` always factors. 0.3 and 3 ranked SMD within 0.005 of 1.
    static let ridge = 1.0
    /// Clip of each coordinate of `z` before it enters `C`, in standardized units.
    static let clip: Float = 100
    /// Rows a key learns before it whitens.
    public static let readyRows: Float = 256
    /// Rows between factorizations of `C` (each costs `d^3 / 3` multiply-adds, the factor and
    /// its inverse; the second value of the block counts them modulo this). Sooner is better
    /// for the hard case, whose keys take in a regime shift's direction sooner (pooled PR-AUC
    /// 0.864 / 0.842 / 0.801 at 16 / 32 / 64, and 0.57 against 0.71 offline at 256 against 16;
    /// SMD and NAB within 0.001); cost (`bench --dim 38 --keys 8 --threads 1`, with the
    /// hand-written factorization before 2801f25) 0.47 / 0.70 / 0.85 M rows/s. A schedule by how
    /// much `C` changed cost SMD's PR-AUC 0.001 (`Docs/quality.md`, "When to refactor").
    static let factorEvery: Float = 32
    /// Step of the running medians that put the whitened score in the plain score's units: at
    /// 0.01 they followed anomaly segments and cost SMD 0.008 of mean ROC-AUC; at 0.0003, 0.010
    /// of pooled ROC-AUC.
    static let medianRate = 0.001

    /// Rows per panel: one 8-lane vector.
    static let panelRows = 8
    /// Panels of `C` (and of `W`).
    var panelCount: Int { (dimension + Self.panelRows - 1) / Self.panelRows }
    /// Columns of panel `p`: up to its last row's diagonal.
    func panelWidth(_ p: Int) -> Int { min(Self.panelRows * (p + 1), dimension) }
    /// Offset of panel `p` in `C` (and in `W`): the full panels before it, `8 (8 q + 8)` values
    /// each.
    func panelStart(_ p: Int) -> Int { Self.panelRows * Self.panelRows * p * (p + 1) / 2 }
    /// Values in `C` (and in `W`).
    var matrixCount: Int { panelCount == 0 ? 0 : panelStart(panelCount - 1) + Self.panelRows * dimension }
    /// Offset of entry `(r, j)`, `j < min(8 (r / 8 + 1), d)`, in `C` (and in `W`).
    func offset(row r: Int, column j: Int) -> Int { panelStart(r / Self.panelRows) + Self.panelRows * j + r % Self.panelRows }
    /// `Float`s per key.
    public var storageCount: Int { 4 + 2 * matrixCount }
    /// `Double`s of scratch one detector needs for a factorization: a full `d x d` matrix.
    public var factorScratchCount: Int { dimension * dimension }

    /// A layout for `dimension` model features.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    /// Whether `block` (one key's ``storageCount`` values, already finite) could have been
    /// written by this layout.
    public func isSound(_ block: ArraySlice<Float>) -> Bool {
        guard block.count == storageCount else { return false }
        let b = Array(block)
        guard b[0] >= 0 && b[0] <= Self.horizon && b[1] >= 0 && b[1] < Self.factorEvery && b[2] >= 0 && b[3] >= 0
        else { return false }
        let factor = 4 + matrixCount
        for p in 0..<panelCount {
            for j in 0..<panelWidth(p) {
                for r in (Self.panelRows * p)..<(Self.panelRows * (p + 1)) {
                    let at = offset(row: r, column: j)
                    if r == j {
                        // Diagonals of C are non-negative; W's are 0 (not factored yet) or
                        // 1 / L_ii with L_ii at least 1.
                        if b[4 + at] < 0 || b[factor + at] < 0 || b[factor + at] > 1 { return false }
                    } else if (j > r || r >= dimension) && b[factor + at] != 0 {
                        return false  // W is lower triangular, and its padding rows are empty
                    }
                }
            }
        }
        return true
    }

    /// What a key's block (``storageCount`` values) says of it: the rows `C` has learned
    /// (capped at its memory of 32,768) and whether a factor is in use.
    public func status(_ block: ArraySlice<Float>) -> (rowsLearned: Int, isFactored: Bool) {
        guard block.count == storageCount else { return (0, false) }
        let start = block.startIndex
        return (Int(block[start]), block[start + 4 + matrixCount] > 0)
    }

    /// The row's ranking score: its whitened root mean square in the plain score's units once
    /// the key has a factor, the plain score `rootMeanSquare` before. Updates the running
    /// medians (after scoring).
    /// - Complexity: O(d^2).
    func rankingScore(z: UnsafePointer<Float>, rootMeanSquare: Double, block: UnsafeMutablePointer<Float>) -> Double {
        let d = dimension
        let factor = UnsafeRawPointer(block + 4 + matrixCount)
        var plainMedian = Double(block[2])
        if plainMedian == 0 { plainMedian = 1 }
        var score = rootMeanSquare
        if factor.load(as: Float.self) > 0 {
            // y = W z, 8 rows at a time: each panel's columns times z_j.
            // Squares in Double: a residual near Float's square-root limit stays finite.
            var sum = 0.0
            var column = 0
            for p in 0..<panelCount {
                var y = SIMD8<Float>()
                for j in 0..<panelWidth(p) {
                    y = y + factor.loadUnaligned(fromByteOffset: column &* 32, as: SIMD8<Float>.self) * z[j]
                    column &+= 1
                }
                for lane in 0..<Self.panelRows {
                    let v = Double(y[lane])
                    sum += v * v
                }
            }
            let whitened = (sum / Double(d)).squareRoot()
            // Starts at the plain median: the first whitened scores enter unscaled.
            var whitenedMedian = Double(block[3])
            if whitenedMedian == 0 { whitenedMedian = plainMedian }
            score = whitened * plainMedian / whitenedMedian
            whitenedMedian *= whitened > whitenedMedian ? 1 + Self.medianRate : 1 - Self.medianRate
            block[3] = Float(whitenedMedian)
        }
        plainMedian *= rootMeanSquare > plainMedian ? 1 + Self.medianRate : 1 - Self.medianRate
        block[2] = Float(plainMedian)
        return score
    }

    /// Adds the row's residual to `C`, and refactors every ``factorEvery`` rows once the key
    /// has learned ``readyRows``. `clipped` is scratch of `d` values, `factorScratch` of
    /// ``factorScratchCount``.
    /// - Complexity: O(d^2), plus O(d^3 / 6) every ``factorEvery`` rows.
    func learn(
        z: UnsafePointer<Float>, block: UnsafeMutablePointer<Float>, clipped: UnsafeMutablePointer<Float>,
        factorScratch: UnsafeMutablePointer<Double>
    ) {
        let d = dimension
        let n = min(block[0] + 1, Self.horizon)
        block[0] = n
        let a = 1 / n
        let keep = 1 - a
        let covariance = block + 4
        for j in 0..<d { clipped[j] = min(max(z[j], -Self.clip), Self.clip) }
        // C <- keep C + a c c^T, a panel's column at a time: column j of panel p gains
        // a c_j times the panel's rows of c (zero past d).
        let keeping = SIMD8<Float>(repeating: keep)
        let target = UnsafeMutableRawPointer(covariance)
        var column = 0
        for p in 0..<panelCount {
            var rows = SIMD8<Float>()
            let first = Self.panelRows * p
            for lane in 0..<min(Self.panelRows, d - first) { rows[lane] = clipped[first + lane] }
            for j in 0..<panelWidth(p) {
                let c = target.loadUnaligned(fromByteOffset: column &* 32, as: SIMD8<Float>.self)
                target.storeBytes(of: keeping * c + (a * clipped[j]) * rows, toByteOffset: column &* 32, as: SIMD8<Float>.self)
                column &+= 1
            }
        }
        let since = block[1] + 1
        block[1] = since < Self.factorEvery ? since : 0
        if n >= Self.readyRows && block[1] == 0 { factor(block: block, scratch: factorScratch) }
    }

    /// `W = chol(C + ridge I)^-1`, computed in `Double` by LAPACK (OpenBLAS's `dpotrf` and
    /// `dtrtri` took a third of the time of the hand-written 4-lane loops here: `Docs/performance.md`) and stored as `Float`.
    private func factor(block: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Double>) {
        let d = dimension
        let covariance = block + 4
        let factor = block + 4 + matrixCount
        // Entry (r, j), j <= r, goes to entry r + j d of the column-major scratch: panel by
        // panel, column by column, as the values lie.
        var at = 0
        for p in 0..<panelCount {
            let first = Self.panelRows * p
            let rows = min(Self.panelRows, d - first)
            for j in 0..<panelWidth(p) {
                for lane in max(0, j - first)..<rows { scratch[first &+ lane &+ j &* d] = Double(covariance[at &+ lane]) }
                at &+= Self.panelRows
            }
        }
        for r in 0..<d { scratch[r &+ r &* d] += Self.ridge }
        guard LAPACK.invertCholeskyFactor(scratch, order: d) else {
            // C is a weighted sum of outer products, so C + I always factors; only a state
            // crafted to say otherwise gets here, and its key ranks unwhitened until it factors.
            factor.update(repeating: 0, count: matrixCount)
            return
        }
        at = 0
        for p in 0..<panelCount {
            let first = Self.panelRows * p
            for j in 0..<panelWidth(p) {
                for lane in 0..<Self.panelRows {
                    let r = first &+ lane
                    factor[at &+ lane] = r < d && j <= r ? Float(scratch[r &+ j &* d]) : 0
                }
                at &+= Self.panelRows
            }
        }
    }
}
