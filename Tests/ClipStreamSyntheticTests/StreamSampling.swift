@testable import ClipStreamSynthetic

/// Runs a stream to its end, handing each row to `body` right after it is generated (while the
/// stream's hidden state still describes that row).
/// - Returns: the metadata of every row, in order.
func runStream(
    _ configuration: HardCaseConfiguration,
    body: (HardCaseStream, [Float], GeneratedRowInfo) -> Void = { _, _, _ in }
) throws -> [GeneratedRowInfo] {
    var stream = try HardCaseStream(configuration: configuration)
    var values = [Float](repeating: 0, count: configuration.dimension)
    var infos: [GeneratedRowInfo] = []
    infos.reserveCapacity(configuration.rows)
    while let info = stream.next(into: &values) {
        body(stream, values, info)
        infos.append(info)
    }
    return infos
}

/// A configuration of `rows` rows with the other parameters at their defaults.
func configuration(rows: Int, seed: UInt64 = 1, dimension: Int = 32) -> HardCaseConfiguration {
    var c = HardCaseConfiguration()
    c.rows = rows
    c.seed = seed
    c.dimension = dimension
    return c
}
