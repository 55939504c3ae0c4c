import ClipStreamEngine

/// The CSV reader thread's key ids: a key gets the next id on its first good row of the run's
/// partition, in input order, as an archive's keys do. The scoring thread then resolves each
/// row's id through an array (``RunState``) and the line writer encodes each key's field once,
/// where a key by name cost a `String` (and, over 15 bytes, an allocation) and a dictionary
/// lookup per row. Keys of other partitions and keys of bad rows only are never kept.
struct CSVKeyIDs {
    private var table = KeyTable()
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
        /// A key with an id.
        case known(Int32)
        /// A key of this run without an id yet: ``introduce(_:hash:)`` gives it one once its
        /// row proves good.
        case new(String, hash: Int)
    }

    /// Looks up the key whose UTF-8 bytes are `bytes`.
    func lookUp(_ bytes: UnsafeRawBufferPointer) -> Lookup {
        guard !bytes.isEmpty else { return .empty }
        let hash = KeyTable.hash(bytes)
        if let e = table.find(bytes, hash: hash) { return .known(Int32(e)) }
        // ASCII is valid UTF-8 as it is (as in `CSVReader.string(at:)`). Invalid bytes are an
        // error in every partition, as when keys went by name.
        let isASCII = !bytes.contains(where: { $0 >= 0x80 })
        let validated = isASCII ? nil : String(validating: bytes, as: UTF8.self)
        if !isASCII && validated == nil { return .invalidUTF8 }
        if let partition, !partition.contains(utf8: bytes) { return .foreign }
        return .new(validated ?? String(decoding: bytes, as: UTF8.self), hash: hash)
    }

    /// Gives a ``Lookup/new(_:hash:)`` key the next id.
    mutating func introduce(_ name: String, hash: Int) -> Int32 {
        Int32(table.insert(name, hash: hash))
    }
}
