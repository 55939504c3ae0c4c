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
/// at 1 or more, and no gradient step, clip or decision depends on the whitened score.
///
/// Per-key block of `Float`s: rows learned (capped at ``horizon``), rows since the last
/// factorization, the plain and the whitened score's running medians, then `C` and `W`, each
/// the lower triangle row by row (`d (d + 1) / 2` values; entry `(i, j)`, `j <= i`, at
/// `i (i + 1) / 2 + j`). `W` is all zero until the key has learned ``readyRows`` rows; its
/// rows are independent dot products with `z` (a forward substitution with `L` chained every
/// row on the one before, and cost twice as much).
public struct ResidualWhitening: Sendable, Equatable {
    /// Model features per row (`d`: the row and its lags).
    public let dimension: Int

    /// Memory of `C` in rows: each row weighs `max(1/n, 1/horizon)`. SMD's machines have some
    /// 50,000 rows, so this is about a running mean over them (an offline sweep of 16,384-65,536
    /// gave SMD group 1 mean PR-AUC 0.42-0.43; 8,192 in the engine 0.417).
    static let horizon: Float = 32_768
    /// Ridge added to `C`'s diagonal before factoring: a column with no variance then whitens
    /// as itself, and the factor cannot fail. 0.3 and 3 ranked SMD within 0.005 of 1.
    static let ridge = 1.0
    /// Clip of each coordinate of `z` before it enters `C`, in standardized units.
    static let clip: Float = 100
    /// Rows a key learns before it whitens.
    static let readyRows: Float = 256
    /// Rows between factorizations of `C` (each costs `d^3 / 6` multiply-adds; the second
    /// value of the block counts them modulo this). Sooner is better for the hard case, whose
    /// keys take in a regime shift's direction sooner (pooled PR-AUC 0.864 / 0.842 / 0.801 at 16
    /// / 32 / 64, and 0.57 against 0.71 offline at 256 against 16; SMD and NAB within 0.001);
    /// cost (`bench --dim 38 --keys 8 --threads 1`) 0.47 / 0.70 / 0.85 M rows/s.
    static let factorEvery: Float = 32
    /// Step of the running medians that put the whitened score in the plain score's units: at
    /// 0.01 they followed anomaly segments and cost SMD 0.008 of mean ROC-AUC; at 0.0003, 0.010
    /// of pooled ROC-AUC.
    static let medianRate = 0.001

    /// Values in `C` (and in `L`).
    var triangle: Int { dimension * (dimension + 1) / 2 }
    /// `Float`s per key.
    public var storageCount: Int { 4 + 2 * triangle }
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
        var row = 0
        for i in 0..<dimension {
            // Diagonals of C are non-negative; W's are 0 (not factored yet) or 1 / L_ii with
            // L_ii at least 1.
            if b[4 + row + i] < 0 { return false }
            let inversePivot = b[4 + triangle + row + i]
            if inversePivot < 0 || inversePivot > 1 { return false }
            row += i + 1
        }
        return true
    }

    /// The row's ranking score: its whitened root mean square in the plain score's units once
    /// the key has a factor, the plain score `rootMeanSquare` before. Updates the running
    /// medians (after scoring).
    /// - Complexity: O(d^2).
    func rankingScore(z: UnsafePointer<Float>, rootMeanSquare: Double, block: UnsafeMutablePointer<Float>) -> Double {
        let d = dimension
        let factor = UnsafePointer(block + 4 + triangle)
        var plainMedian = Double(block[2])
        if plainMedian == 0 { plainMedian = 1 }
        var score = rootMeanSquare
        if factor[0] > 0 {
            // y = W z, row by row.
            // Squares in Double: a residual near Float's square-root limit stays finite.
            var sum = 0.0
            var row = 0
            for i in 0..<d {
                let v = Double(Self.dot(factor + row, z, count: i &+ 1))
                sum += v * v
                row &+= i &+ 1
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
        // C <- keep C + a c c^T, row by row in 8-lane chunks (the plain loop did not vectorize).
        let keeping = SIMD8<Float>(repeating: keep)
        let source = UnsafeRawPointer(clipped)
        var row = 0
        for i in 0..<d {
            let weighted = a * clipped[i]
            let weights = SIMD8<Float>(repeating: weighted)
            let target = UnsafeMutableRawPointer(covariance + row)
            let length = i &+ 1
            var j = 0
            while j &+ 8 <= length {
                let c = target.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                let v = source.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                target.storeBytes(of: keeping * c + weights * v, toByteOffset: j &* 4, as: SIMD8<Float>.self)
                j &+= 8
            }
            if j &+ 4 <= length {
                let c = target.loadUnaligned(fromByteOffset: j &* 4, as: SIMD4<Float>.self)
                let v = source.loadUnaligned(fromByteOffset: j &* 4, as: SIMD4<Float>.self)
                target.storeBytes(of: keeping.lowHalf * c + weights.lowHalf * v, toByteOffset: j &* 4, as: SIMD4<Float>.self)
                j &+= 4
            }
            while j < length {
                covariance[row &+ j] = keep * covariance[row &+ j] + weighted * clipped[j]
                j &+= 1
            }
            row &+= length
        }
        let since = block[1] + 1
        block[1] = since < Self.factorEvery ? since : 0
        if n >= Self.readyRows && block[1] == 0 { factor(block: block, scratch: factorScratch) }
    }

    /// `sum a[k] b[k]` over `count` values, in 8-lane `Float` accumulators in a fixed order (a
    /// result depends only on the inputs).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>()
        var k = 0
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        while k + 8 <= count {
            acc = acc + ra.loadUnaligned(fromByteOffset: k &* 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: k &* 4, as: SIMD8<Float>.self)
            k &+= 8
        }
        // The rows' lengths run through every remainder: a 4-lane step halves the scalar tail.
        var half = acc.lowHalf + acc.highHalf
        if k &+ 4 <= count {
            half = half + ra.loadUnaligned(fromByteOffset: k &* 4, as: SIMD4<Float>.self)
                * rb.loadUnaligned(fromByteOffset: k &* 4, as: SIMD4<Float>.self)
            k &+= 4
        }
        var tail: Float = 0
        while k < count {
            tail += a[k] * b[k]
            k &+= 1
        }
        return half.sum() + tail
    }

    /// `W = chol(C + ridge I)^-1`, computed in `Double` by LAPACK (OpenBLAS's `dpotrf` and
    /// `dtrtri` took a third of the time of the hand-written 4-lane loops here: `Docs/performance.md`) and stored as `Float`.
    private func factor(block: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Double>) {
        let d = dimension
        let covariance = block + 4
        let factor = block + 4 + triangle
        // Entry (i, j), j <= i, of the packed rows is entry i + j d of the column-major scratch.
        var row = 0
        for i in 0..<d {
            for j in 0...i { scratch[i &+ j &* d] = Double(covariance[row &+ j]) }
            scratch[i &+ i &* d] += Self.ridge
            row &+= i &+ 1
        }
        guard LAPACK.invertCholeskyFactor(scratch, order: d) else {
            // C is a weighted sum of outer products, so C + I always factors; only a state
            // crafted to say otherwise gets here, and its key ranks unwhitened until it factors.
            factor.update(repeating: 0, count: triangle)
            return
        }
        row = 0
        for i in 0..<d {
            for j in 0...i { factor[row &+ j] = Float(scratch[i &+ j &* d]) }
            row &+= i &+ 1
        }
    }
}
