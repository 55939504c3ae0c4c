/// How a row's vector arithmetic is carried out.
///
/// The path is fixed per dimension (never per batch or shard), so a row's arithmetic, and
/// therefore its result bits, does not depend on how the stream is partitioned.
public enum KernelStrategy: String, Sendable, CaseIterable {
    /// Fused SIMD loops: one pass computes the standardized residual and its squared norm, one
    /// pass applies the clipped location step and the scale step.
    case fused
    /// CBLAS level-1 where a routine exists: `sdot` for the squared norm, `saxpy` for the
    /// location step; the element-wise parts (division by the scale, the scale step) stay loops.
    case blas
}
