import CBLAS

/// Checked wrappers over the LAPACK routines of OpenBLAS the engine uses (its own optimized
/// `potrf` and `trtri`, which pick the machine's vector kernels at load time).
public enum LAPACK {
    /// Replaces the lower triangle of the `n x n` column-major matrix `a` (a symmetric positive
    /// definite `A`, only its lower triangle read) by `L^-1`, the inverse of `A`'s Cholesky
    /// factor `L` (`A = L L^T`). The strict upper triangle is left as it was.
    ///
    /// The corresponding LAPACK routines are `dpotrf` then `dtrtri` (lower, non-unit).
    /// - Returns: `false` when `A` is not positive definite (nothing useful is left in `a`).
    /// - Complexity: O(n^3 / 3), no allocation.
    public static func invertCholeskyFactor(_ a: UnsafeMutablePointer<Double>, order n: Int) -> Bool {
        guard n > 0 else { return true }
        var lower = CChar(UInt8(ascii: "L"))
        var nonUnit = CChar(UInt8(ascii: "N"))
        var order = BLAS.blasInt(n)
        var leading = order
        var info: Int32 = 0
        _ = dpotrf_(&lower, &order, a, &leading, &info)
        guard info == 0 else { return false }
        _ = dtrtri_(&lower, &nonUnit, &order, a, &leading, &info)
        return info == 0
    }
}
