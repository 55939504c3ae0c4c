import ClipStreamEngine

/// The CSV reader thread's key ids: a key gets the next id on its first good row, in input
/// order, as an archive's keys do. The scoring thread then resolves each row's id through an
/// array (``RunState``) and the line writer encodes each key's field once, where a key by name
/// cost a `String` (and, over 15 bytes, an allocation) and a dictionary lookup per row.
struct CSVKeyIDs {
    private var table = KeyTable()
    /// Per table entry: the key (nil: not valid UTF-8), whether it is in the run's partition,
    /// and its id (-1 until its first good row).
    private var names: [String?] = []
    private var inPartition: [Bool] = []
    private var ids: [Int32] = []
    private var nextID: Int32 = 0
    /// The run's partition: other partitions' keys are ``Lookup/foreign``.
    let partition: KeyPartition?

    init(partition: KeyPartition?) {
        self.partition = partition
    }

    /// What a row's key field says.
    enum Lookup {
        case empty
        case invalidUTF8
        /// Another partition's key: the row is not this run's.
        case foreign
        /// The table entry, for ``id(of:introducingInto:)``.
        case entry(Int)
    }

    /// Looks `bytes` up, adding a key seen for the first time.
    mutating func lookUp(_ bytes: UnsafeRawBufferPointer) -> Lookup {
        guard !bytes.isEmpty else { return .empty }
        let (e, isNew) = table.entry(for: bytes)
        if isNew {
            // ASCII is valid UTF-8 as it is (as in `CSVReader.string(at:)`).
            let name = bytes.contains(where: { $0 >= 0x80 })
                ? String(validating: bytes, as: UTF8.self) : String(decoding: bytes, as: UTF8.self)
            names.append(name)
            inPartition.append(name.map { partition?.contains($0) ?? true } ?? true)
            ids.append(-1)
        }
        if names[e] == nil { return .invalidUTF8 }
        return inPartition[e] ? .entry(e) : .foreign
    }

    /// The id of a looked-up entry whose row is good; the first time, the key is appended to
    /// `introduced` (the slot's ``ParsedBatch/introducedKeys``) and its id is the next one.
    mutating func id(of entry: Int, introducingInto introduced: inout [String]) -> Int32 {
        if ids[entry] < 0 {
            ids[entry] = nextID
            nextID += 1
            introduced.append(names[entry]!)
        }
        return ids[entry]
    }
}
