import CBLAS

/// Thin, checked wrappers over the CBLAS level-1 routines the engine uses.
///
/// This is the only file that imports `CBLAS`. Each wrapper converts `Int` to `blasint`
/// (`Int32`) with a check and returns early on empty input.
public enum BLAS {
    /// Dot product of two contiguous vectors of `count` elements.
    ///
    /// The corresponding BLAS routine is `cblas_sdot`.
    /// - Complexity: O(count), no allocation.
    @inlinable
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        guard count > 0 else { return 0 }
        return cblas_sdot(blasInt(count), x, 1, y, 1)
    }

    /// `y += alpha * x` over `count` contiguous elements.
    ///
    /// The corresponding BLAS routine is `cblas_saxpy`.
    /// - Complexity: O(count), no allocation.
    @inlinable
    public static func axpy(
        _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
    ) {
        guard count > 0 else { return }
        cblas_saxpy(blasInt(count), alpha, x, 1, y, 1)
    }

    /// Sets the number of threads OpenBLAS may use for one call.
    ///
    /// The corresponding routine is `openblas_set_num_threads`. The engine calls this once,
    /// through `BLASThreading`, and nowhere else.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(blasInt(count))
    }

    /// The number of threads OpenBLAS currently uses (`openblas_get_num_threads`).
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// OpenBLAS's build description (`openblas_get_config`), e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell`.
    public static var configurationDescription: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text) + " core=" + coreName
    }

    /// The CPU kernel family OpenBLAS selected at load time (`openblas_get_corename`).
    public static var coreName: String {
        guard let text = openblas_get_corename() else { return "unknown" }
        return String(cString: text)
    }

    @usableFromInline
    static func blasInt(_ value: Int) -> Int32 {
        precondition(value >= 0 && value <= Int(Int32.max), "BLAS size \(value) does not fit blasint")
        return Int32(truncatingIfNeeded: value)
    }
}
