/// The binary archive format for wide vectors (`Docs/formats.md`, "Binary archive"): a header
/// naming the columns, then blocks of rows (row numbers, key ids into a dictionary the blocks
/// extend, optional label and time fields verbatim, `Float32` features), each with a CRC-32,
/// then an end block. Little-endian throughout.
public enum ArchiveFormat {
    /// First 8 bytes of every archive.
    public static let magic: [UInt8] = Array("CLIPARCH".utf8)
    /// The version this build writes and reads.
    public static let version: UInt32 = 1
    static let blockMagic: [UInt8] = Array("CSBK".utf8)
    static let endMagic: [UInt8] = Array("CSEN".utf8)
    /// Most rows in one block.
    public static let maximumBlockRows = 65_536
    /// Header flags.
    static let hasLabelFlag: UInt32 = 1
    static let hasTimeFlag: UInt32 = 2
}

/// What an archive's header says about its rows.
public struct ArchiveHeader: Sendable, Equatable {
    public var keyColumn: String
    public var labelColumn: String?
    public var timeColumn: String?
    /// One name per feature; the dimension is their count.
    public var featureNames: [String]

    public init(keyColumn: String, labelColumn: String?, timeColumn: String?, featureNames: [String]) {
        self.keyColumn = keyColumn
        self.labelColumn = labelColumn
        self.timeColumn = timeColumn
        self.featureNames = featureNames
    }

    public var dimension: Int { featureNames.count }
}

/// A decoded block: rows in input order.
public struct ArchiveBlock: Sendable {
    /// Each row's 1-based data-row number in the original input.
    public var rowNumbers: [Int] = []
    /// Each row's key, as an index into the reader's key dictionary.
    public var keyIDs: [Int32] = []
    /// Each row's label and time fields, verbatim (empty arrays when the column is absent).
    public var labels: [[UInt8]] = []
    public var times: [[UInt8]] = []
    /// `count * dimension` features, row-major.
    public var values: [Float] = []

    public init() {}

    public var count: Int { rowNumbers.count }
}

/// Why an archive could not be read; every case names the byte offset of the damage.
public enum ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a ClipStream archive (the first 8 bytes are not the magic).
    case notAnArchive
    case unsupportedVersion(UInt32)
    /// The file ends inside the header or a block, or before the end block.
    case truncated(offset: Int, rowsBefore: Int)
    /// A checksum or a field that cannot be right.
    case corrupt(offset: Int, rowsBefore: Int, reason: String)
    /// The underlying read failed.
    case io(reason: String)

    public var description: String {
        switch self {
        case .notAnArchive: "not a ClipStream archive (bad magic at offset 0)"
        case .unsupportedVersion(let v): "archive version \(v) is not supported (this build reads \(ArchiveFormat.version))"
        case .truncated(let offset, let rows): "archive truncated at byte offset \(offset) (after \(rows) rows)"
        case .corrupt(let offset, let rows, let reason): "archive corrupt at byte offset \(offset) (after \(rows) rows): \(reason)"
        case .io(let reason): "archive read failed: \(reason)"
        }
    }
}
