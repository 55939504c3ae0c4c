import Foundation
import ClipStreamIO
import Synchronization

/// SIGINT and SIGTERM, caught so a run can end at a batch boundary (final checkpoint, summary)
/// instead of dying mid-write.
enum SignalFlag {
    /// The caught signal's number, 0 while none arrived.
    static let received = Atomic<Int32>(0)

    /// Installs handlers for SIGINT and SIGTERM that only record the signal.
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in SignalFlag.received.store(number, ordering: .relaxed) }
        }
        InputInterruption.unblockStopSignals()
    }

    /// The caught signal, if any.
    static var caught: Int32? {
        let number = received.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}
