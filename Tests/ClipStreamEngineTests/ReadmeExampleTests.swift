import ClipStreamCore
import ClipStreamEngine
import Testing

@Suite("The README's library example")
struct ReadmeExampleTests {
    /// The README's ten lines, verbatim but for `print`: they must compile and do what they say.
    @Test func exampleScoresTwoKeys() throws {
        var configuration = Configuration(dimension: 3)
        configuration.alertRate = 0.001
        let engine = try ShardedEngine(configuration: configuration, shardCount: 2)
        var batch = RowBatch(dimension: 3, capacity: 1024, explainCount: 1)
        batch.append(handle: engine.handle(for: "web-01"), values: [0.31, 12.0, 0.002])
        batch.append(handle: engine.handle(for: "db-07"), values: [0.80, 3.5, 0.010])
        engine.process(&batch)
        // A key's first row scores 0 (no history to be surprising against) and withholds its
        // decision (warm-up).
        for i in 0..<batch.count {
            #expect(batch.results[i].score == 0)
            #expect(batch.results[i].decision == .withheld)
        }
        #expect(engine.keyCount == 2)
    }
}
