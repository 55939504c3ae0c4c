#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A stop asked for by SIGINT or SIGTERM while a command reads its input (`score` of a live
/// stream, killed by its supervisor): every input read from then on throws
/// ``InputError/interrupted(signal:)``, so the command scores the rows it has, saves what it
/// learned and exits, instead of dying with the model's updates lost.
///
/// A read of a pipe or a terminal that is already blocked is woken too: such reads wait in
/// `poll(2)` on the input and on a pipe the handler writes to (the signal may reach any thread).
public enum InputInterruption {
    /// The caught signal's number, 0 while none arrived.
    static let received = Atomic<Int32>(0)
    // Written once by `install` before any read; read by the handler and the readers.
    nonisolated(unsafe) static var wakeRead: Int32 = -1
    nonisolated(unsafe) static var wakeWrite: Int32 = -1

    /// Installs handlers for SIGINT and SIGTERM that record the signal and wake blocked reads.
    /// Call once, before the input is opened.
    public static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        wakeRead = ends[0]
        wakeWrite = ends[1]
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in
                InputInterruption.received.store(number, ordering: .relaxed)
                var byte: UInt8 = 1
                _ = write(InputInterruption.wakeWrite, &byte, 1)
            }
        }
        unblockStopSignals()
    }

    /// Unblocks SIGINT and SIGTERM in the calling thread (and the threads it starts later): a
    /// process inherits its parent's signal mask, and a parent that blocked them (a test
    /// runner's thread did) left the handlers unreachable and the run deaf to its supervisor.
    public static func unblockStopSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// The caught signal, if any.
    public static var caught: Int32? {
        let number = received.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// Whether handlers are installed (reads of pipes then wait on the wake-up pipe too).
    static var isInstalled: Bool { wakeRead >= 0 }
}
