import Foundation
import TestSupport
import Testing

/// Hostile option values get exit 64 and a message naming the option, never a trap, a
/// wrapped count or a run that fails only at its end (each of these once did; found by a
/// review of every subcommand's options).
@Suite("CLI: option values out of range")
struct CommandLineBoundsTests {
    @Test(arguments: [
        (["generate", "--rows", "10", "--spike-magnitude", "1e38", "-o", "OUT"], "--spike-magnitude"),  // trapped (132)
        (["generate", "--rows", "10", "--keys", "9223372036854775807", "-o", "OUT"], "--keys"),  // grew for ever
        (["generate", "--rows", "10", "--dim", "6", "--constant-columns", "6", "-o", "OUT"], "--constant-columns"),
        (["demo", "--rows", "2000", "--keys", "3", "--dim", "6", "--top=-1"], "--top"),  // trapped (132)
        (["bench", "--keys", "9223372036854775807"], "--keys"),  // trapped (132)
        (["bench", "--batch-size", "9223372036854775807"], "--batch-size"),  // trapped (139)
        (["bench", "--buffer-mb", "9223372036854775807"], "--buffer-mb"),  // wrapped to a tiny buffer
        (["experiment", "tracking", "--dims", "2", "--seeds", "1", "--rows", "9223372036854775807"], "--rows"),  // trapped
        (["replay", "IN", "-o", "OUT", "--progress-every", "nan"], "--progress-every"),  // accepted
        (["score", "IN", "-o", "OUT", "--save-state", "/nonexistent/model.state"], "--save-state"),  // failed at the end
        (["score", "IN", "-o", "OUT", "--report", "/nonexistent/report.html"], "--report"),  // failed at the end
        (["score", "IN", "-o", "OUT", "--scale-floor", "1e300"], "--scale-floor"),  // said "must be positive"
        (["score", "IN", "-o", "OUT", "--alert-rate", "0.05"], "--alert-rate"),  // named --threshold-quantile
        (["score", "IN", "-o", "OUT", "--label-column", "key"], "--label-column"),  // echoed the key as a label
        (["score", "IN", "-o", "OUT", "--label-column", "f0", "--time-column", "f0"], "--time-column"),  // twice
        (["score", "IN", "-o", "OUT", "--report-keys", "3"], "--report-keys"),  // accepted without --report
        (["demo", "--rows", "9223372036854775807", "--keys", "2", "--dim", "2"], "--rows"),  // corrupted the heap (134)
        (["experiment", "tracking", "--dims", "100000", "--rows", "100000000", "--seeds", "1"], "--rows"),  // 40 TB (134)
        (["experiment", "tracking", "--dims", "1,,2", "--seeds", "1"], "--dims"),  // read as 1,2
        (["experiment", "tracking", "--dims", "10", "--rows", "100000000", "--seeds", "20", "--sweep"], "--rows"),  // 480 GB
        (["bench", "--threads", "1,,2"], "--threads"),  // read as 1,2
        (["bench", "--threads", "1", "--windows", "1", "--keys", "1", "--dim", "16777216"], "input, batches and probe"),  // 275 GB (134)
    ])
    func aHostileValueIsNamed(arguments: [String], option: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Array("key,f0,f1\na,1,2\na,2,3\nb,3,4\n".utf8))
        let run = try ClipStreamBinary.run(
            arguments.map { $0 == "IN" ? input : $0 == "OUT" ? directory.path("out.csv") : $0 })
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(option), "\(run.stderr)")
    }
}
