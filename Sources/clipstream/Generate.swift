import ArgumentParser
import ClipStreamIO
import ClipStreamSynthetic
import Foundation

/// `clipstream generate`: writes the synthetic labelled stream as CSV.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic labelled hard-case stream as CSV (t,key,label,f0,...).")

    @OptionGroup var stream: StreamOptions

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    func run() throws {
        // A write that fails is `write failed`, exit 20 (19 on a closed pipe), as for score.
        try CommandErrors.exitOnFailure { try generate() }
    }

    private func generate() throws {
        var generator = try stream.makeStream()
        let target = try OutputTarget(path: output)
        let out = OutputBuffer(fileDescriptor: target.fileDescriptor)
        out.write("t,key,label," + generator.featureNames.joined(separator: ",") + "\n")
        var values = [Float](repeating: 0, count: generator.configuration.dimension)
        let comma = UInt8(ascii: ",")
        while let info = values.withUnsafeMutableBufferPointer({ generator.next(into: $0) }) {
            out.write(info.index)
            out.writeByte(comma)
            out.writeField(generator.keyNames[info.key])
            out.writeByte(comma)
            out.writeByte(info.isAnomaly ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            for value in values {
                out.writeByte(comma)
                out.write(value)
            }
            out.writeByte(UInt8(ascii: "\n"))
        }
        try out.flush()
        try target.close()
    }
}
