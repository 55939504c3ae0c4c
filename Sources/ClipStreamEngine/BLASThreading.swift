import ClipStreamKernels
import Logging

/// The one place that sets OpenBLAS's thread count.
///
/// The engine's shards are its only parallelism: OpenBLAS's own pool would oversubscribe the
/// cores, and a row's BLAS result bits must not depend on a thread count (a transposed `sgemv`
/// changed 14 of 2000 outputs between 1 and 2 OpenBLAS threads on this hardware).
public enum BLASThreading {
    /// Sets OpenBLAS to one thread and logs it with OpenBLAS's build description.
    /// Idempotent; called by every ``ShardedEngine`` on creation.
    public static func useSingleThread(logger: Logger) {
        BLAS.setThreadCount(1)
        logger.info(
            "OpenBLAS set to one thread",
            metadata: [
                "openblas": "\(BLAS.configurationDescription)",
                "threads": "\(BLAS.threadCount)",
            ])
    }
}
