import Foundation
import TestSupport
import Testing

/// A CSV run without `--max-keys` carries each row's key as an id (the reader thread's key
/// table); with it, by name. Both must write the same bytes, whatever the keys and rows are.
@Suite("CLI: CSV keys by id and by name")
struct KeyIDPathTests {
    /// 6,000 rows of 30 keys: short, over 15 bytes, non-ASCII, one only in bad rows, one first
    /// seen in a bad row; bad rows of every key-related kind (empty key, invalid UTF-8 key)
    /// and a bad value in between.
    static func input() -> [UInt8] {
        var bytes = Array("key,label,f0,f1\n".utf8)
        var state: UInt64 = 12345
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        let names = (0..<30).map { k -> [UInt8] in
            switch k % 3 {
            case 0: Array("h\(k)".utf8)
            case 1: Array("prod-eu-west-1-checkout-service-\(k)".utf8)
            default: Array("höst-ß-\(k)".utf8)
            }
        }
        for row in 0..<6000 {
            let k = next() % 30
            var key = names[k]
            var f0 = String(Double(next() % 1000) / 100 + Double(k))
            if row % 997 == 5 { key = [] }
            if row % 991 == 7 { key = [0x62, 0xFF, 0xFE] }
            if row % 499 == 3 || k == 29 { f0 = "oops" }  // key 29's rows are all bad
            bytes += key + Array(",\(row % 50 == 0 ? 1 : 0),\(f0),\(next() % 7)\n".utf8)
        }
        return bytes
    }

    @Test(arguments: [[], ["--partition", "1/3"], ["--explain", "2", "--audit"]])
    func theSameBytesByIdAndByName(options: [String]) throws {
        let input = Self.input()
        let common = ["score", "-", "--label-column", "label", "--on-bad-row", "skip"] + options
        let byID = try ClipStreamBinary.run(common, stdin: input)
        let byName = try ClipStreamBinary.run(common + ["--max-keys", "1000"], stdin: input)
        #expect(byID.status == 0, "\(byID.stderr)")
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byID.stdout.count > 10_000)
        #expect(byID.stdout == byName.stdout)
        #expect(byID.stderr == byName.stderr)
        #expect(byID.stderr.contains("invalid UTF-8: "), "\(byID.stderr)")
    }
}
