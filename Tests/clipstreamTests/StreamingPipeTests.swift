import Foundation
import TestSupport
import Testing

/// `clipstream score -` on a pipe flushes each row's line as soon as the input stalls, so a
/// live feed sees its results without waiting for a batch to fill or the input to end.
@Suite("CLI: streaming on a pipe")
struct StreamingPipeTests {
    /// Reads a pipe's bytes one line at a time with blocking reads.
    final class LineReader: @unchecked Sendable {
        // Touched by one reading thread at a time (each read is awaited before the next); the
        // lock makes that ordering visible to ThreadSanitizer, which does not see it through
        // the continuation and the fresh thread.
        private let handle: FileHandle
        private var buffer: [UInt8] = []
        private let lock = NSLock()

        init(_ handle: FileHandle) { self.handle = handle }

        /// The next line without its newline, or nil at end of file. Blocks on a thread of its
        /// own, so the test's time limit can still fire and end the child (closing the pipe).
        func nextLine() async -> String? {
            await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: self.blockingNextLine()) }.start()
            }
        }

        private func blockingNextLine() -> String? {
            lock.lock()
            defer { lock.unlock() }
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    return line
                }
                let chunk = handle.availableData  // blocks until data or end of file
                if chunk.isEmpty { return nil }
                buffer += chunk
            }
        }
    }

    /// Starts the binary with `arguments`, its standard input and output on pipes (stderr
    /// dropped); returns it, the input's write end and the output pipe.
    static func launch(_ arguments: [String]) throws -> (Process, FileHandle, Pipe) {
        let process = Process()
        process.executableURL = try ClipStreamBinary.url()
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, input.fileHandleForWriting, output)
    }

    /// The time limit is only a safeguard: the assertions are the lines themselves. Each read
    /// blocks until a newline arrives; if output were held back, the read would wait for the
    /// limit, the cancellation would end the child, and the read would see end of file.
    @Test(.timeLimit(.minutes(1)))
    func eachRowIsAnsweredBeforeTheNextArrives() async throws {
        // A child that died early must fail the test, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let (process, stdin, output) = try Self.launch(["score", "-", "--shards", "2", "--time-column", "t"])
        var stdinOpen = true
        defer {
            // On any failure path: no child is left behind waiting for input.
            if stdinOpen { try? stdin.close() }
            if process.isRunning { process.terminate() }
        }
        let reader = LineReader(output.fileHandleForReading)

        // If the time limit cancels the test, end the child so the blocked read sees EOF.
        try await withTaskCancellationHandler {
            try stdin.write(contentsOf: Data("t,key,cpu,mem\n10:00,web-1,0.5,100\n".utf8))
            #expect(await reader.nextLine() == "row,key,score,threshold,alert,time")
            let first = try #require(await reader.nextLine())
            #expect(first.hasPrefix("1,web-1,"))
            #expect(first.hasSuffix(",10:00"))

            try stdin.write(contentsOf: Data("10:01,web-1,0.6,101\n".utf8))
            let second = try #require(await reader.nextLine())
            #expect(second.hasPrefix("2,web-1,"))
            #expect(second.hasSuffix(",10:01"))

            // A row split across two writes is answered once its newline arrives.
            try stdin.write(contentsOf: Data("10:02,db-".utf8))
            try stdin.write(contentsOf: Data("1,7,8\n".utf8))
            let third = try #require(await reader.nextLine())
            #expect(third.hasPrefix("3,db-1,"))

            try stdin.close()
            stdinOpen = false
            #expect(await reader.nextLine() == nil)
        } onCancel: {
            process.terminate()
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(process.terminationReason == .exit)
    }

    /// A live run stopped by its supervisor (SIGTERM) while it waits for input: it died with
    /// every update to its model lost. It now saves the state and the report of the rows it
    /// scored and exits 143; the state is the one a run over those rows saves.
    @Test(.timeLimit(.minutes(1)))
    func sigtermWhileWaitingSavesTheStateAndTheReport() async throws {
        signal(SIGPIPE, SIG_IGN)
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var rows = "key,cpu,mem\n"
        for i in 0..<300 { rows += "host-\(i % 3),\(Double(i % 7) * 0.1),\(100 + i % 5)\n" }
        let file = try directory.write("rows.csv", Array(rows.utf8))
        #expect(try ClipStreamBinary.run(["score", file, "-o", "/dev/null", "--save-state", directory.path("reference.state")]).status == 0)

        let (process, stdin, output) = try Self.launch(
            ["score", "-", "--save-state", directory.path("live.state"), "--report", directory.path("live.html")])
        defer {
            try? stdin.close()
            if process.isRunning { process.terminate() }
        }
        let reader = LineReader(output.fileHandleForReading)
        try await withTaskCancellationHandler {
            try stdin.write(contentsOf: Data(rows.utf8))
            for _ in 0...300 { _ = await reader.nextLine() }  // every row answered: it now waits
            process.terminate()  // SIGTERM
            #expect(await reader.nextLine() == nil)
        } onCancel: {
            process.terminate()
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(try directory.read("live.state") == directory.read("reference.state"))
        #expect(FileManager.default.fileExists(atPath: directory.path("live.html")))
    }
}
