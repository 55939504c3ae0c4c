import ClipStreamKernels
import Logging

#if canImport(Glibc)
import Glibc
#endif

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
        _ = idlePoolStopped
        logger.info(
            "OpenBLAS set to one thread",
            metadata: [
                "openblas": "\(BLAS.configurationDescription)",
                "threads": "\(BLAS.threadCount)",
            ])
    }

    /// Ends OpenBLAS's thread pool once (`blas_thread_shutdown_`, found at run time: only the
    /// pthread build has it). The library starts a thread per core at load, and one thread's
    /// setting leaves them spinning on `sched_yield` for a while: on 2 cores a third of a
    /// short replay's system time, on 16 cores 15 spinners beside the pipeline's threads. A
    /// later call that needed threads would start them again.
    private static let idlePoolStopped: Void = {
        #if canImport(Glibc)
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "blas_thread_shutdown_") else { return }
        typealias Shutdown = @convention(c) () -> Int32
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
        #endif
    }()
}
