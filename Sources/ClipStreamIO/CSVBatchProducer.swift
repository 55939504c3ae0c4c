import ClipStreamEngine
import Dispatch
import Synchronization

/// A reader thread feeding the pipeline's slots (CSV or archive): it fills one slot at a time
/// through a ``SlotHandOver``.
protocol BatchProducer: AnyObject, Sendable {
    var handOver: SlotHandOver { get }
    /// Fills `slot` with the next rows (or marks its end or error).
    func fill(_ slot: ParsedBatch)
}

extension BatchProducer {
    /// Fills slots until the input ends, a row is bad, or ``stop()``.
    func run() { handOver.run(fill) }
    /// Ends the run: called by the consumer before its last `free.signal()`.
    func stop() { handOver.stop() }
}

/// The slots a reader thread and the scoring thread pass back and forth.
///
/// `@unchecked Sendable`: a slot is used by the reader thread only between `free.wait()` and
/// `filled.signal()`, and by the consumer only between `filled.wait()` and `free.signal()`.
final class SlotHandOver: @unchecked Sendable {
    let slots: [ParsedBatch]
    let free: DispatchSemaphore
    let filled: DispatchSemaphore
    /// Set by the consumer to end the run early. Atomic: the `free.wait()` that returns before
    /// the reader looks at it may have been released by the writer thread, which is not ordered
    /// with the consumer's write (ThreadSanitizer caught the race in a SIGTERM'd replay).
    private let stopped = Atomic<Bool>(false)

    init(slots: [ParsedBatch], free: DispatchSemaphore, filled: DispatchSemaphore) {
        self.slots = slots
        self.free = free
        self.filled = filled
    }

    func stop() { stopped.store(true, ordering: .releasing) }

    /// Whether the consumer asked the reader to stop (a fill ends at its next row).
    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Fills the slots in turn until one ends the input or holds an error.
    func run(_ fill: (ParsedBatch) -> Void) {
        var index = 0
        while true {
            free.wait()
            if isStopped { return }
            let slot = slots[index % slots.count]
            index += 1
            fill(slot)
            let last = slot.end || slot.error != nil
            filled.signal()
            if last { return }
        }
    }
}

/// The CSV reader thread: parses records into the slots until the input ends or a row is bad.
final class Producer: BatchProducer, @unchecked Sendable {
    let handOver: SlotHandOver
    let reader: CSVReader
    let schema: CSVSchema
    let partition: KeyPartition?
    let skipRows: Int
    let policy: BadRowPolicy
    let quarantine: QuarantineFile?
    /// Data rows read so far, bad ones included (a row keeps its number whatever happens).
    var dataRow = 0
    /// The keys' ids, when rows carry their key as an id rather than by name.
    private var idTable: CSVKeyIDs?

    /// - Parameter keyIDs: whether rows carry their key as an id (``CSVKeyIDs``). The table
    ///   keeps every key with a good row in the run's partition, also those a key limit
    ///   rejects or evicts, so a run that bounds its keys (`--max-keys`) goes by name.
    init(
        reader: CSVReader, schema: CSVSchema, handOver: SlotHandOver, partition: KeyPartition?,
        skipRows: Int, policy: BadRowPolicy, quarantine: QuarantineFile?, keyIDs: Bool = false
    ) {
        idTable = keyIDs ? CSVKeyIDs(partition: partition) : nil
        self.policy = policy
        self.quarantine = quarantine
        self.reader = reader
        self.schema = schema
        self.handOver = handOver
        self.partition = partition
        self.skipRows = skipRows
    }

    /// The reader's next result, or nil after passing over a record the reader itself could
    /// not parse (an over-long line, a malformed quote) under a skipping policy.
    private func nextRecord(
        _ slot: ParsedBatch, pendingRows: Int, dataRow: inout Int
    ) throws(InputError) -> CSVReader.ReadResult? {
        let result: Result<CSVReader.ReadResult, InputError>
        do {
            result = .success(try reader.next(blocking: pendingRows == 0))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let next):
            return next
        case .failure(let error):
            guard policy.skips && error.isRecoverable else { throw error }
            dataRow += 1
            let counted = dataRow > skipRows
            let sink = quarantine
            try reader.skipBadRecord { bytes in if counted { sink?.append(bytes) } }
            if counted { slot.skipped[error.reason ?? "", default: 0] += 1 }
            return nil
        }
    }

    /// Parses the current record into `rows` (`slot`'s, lent); under a skipping policy a bad
    /// row is counted (and quarantined) instead.
    private func append(
        to rows: inout ParsedRows, of slot: ParsedBatch, dataRow: Int, idTable: inout CSVKeyIDs?
    ) throws(InputError) {
        let failure: InputError
        if slot.isRepeatedHeader(reader) {
            failure = .repeatedHeader(line: reader.lineNumber)
        } else {
            do {
                try rows.append(from: reader, dataRow: dataRow, partition: partition, idTable: &idTable)
                return
            } catch {
                failure = error
            }
        }
        guard policy.skips else { throw failure }
        let sink = quarantine
        reader.withCurrentRecordBytes { sink?.append($0) }
        slot.skipped[failure.reason ?? "", default: 0] += 1
    }

    /// Parses records into `slot` until it is full, the input stalls with rows pending (they
    /// are handed over to be scored and flushed at once), the input ends, or a row is bad.
    ///
    /// The loop holds the slot's rows, the row count and the key table as its own (moved out
    /// of this class and back): as class properties each row paid dynamic exclusivity checks.
    func fill(_ slot: ParsedBatch) {
        slot.reset()
        slot.usesKeyIDs = idTable != nil
        var dataRow = self.dataRow
        var idTable: CSVKeyIDs?
        swap(&idTable, &self.idTable)
        defer {
            self.dataRow = dataRow
            swap(&idTable, &self.idTable)
            slot.dataRowsConsumed = dataRow
            slot.inputBytesConsumed = reader.bytesConsumed
            if let quarantine {
                do {
                    try quarantine.flush()
                } catch {
                    if slot.error == nil { slot.error = error }
                }
                slot.quarantineBytesWritten = quarantine.bytesWritten
            }
        }
        do {
            try slot.withRows { (rows: inout ParsedRows) throws(InputError) in
                // A stopped run's reader reads no further than the row it is on: what it would
                // quarantine past the stop is no part of the run.
                while !rows.isFull && !handOver.isStopped {
                    guard let next = try nextRecord(slot, pendingRows: rows.batch.count, dataRow: &dataRow) else { continue }
                    switch next {
                    case .wouldBlock:
                        slot.stalled = true
                        return
                    case .endOfInput:
                        slot.end = true
                        return
                    case .record:
                        dataRow += 1
                        if dataRow <= skipRows { continue }
                        try append(to: &rows, of: slot, dataRow: dataRow, idTable: &idTable)
                    }
                }
            }
        } catch {
            slot.error = error
        }
    }
}
