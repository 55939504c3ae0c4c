import ArgumentParser
import ClipStreamCore
import ClipStreamIO
import Foundation

/// Turns typed input and output errors into one line on stderr and their documented exit code.
enum CommandErrors {
    /// `EX_USAGE`, the code argument-parser gives every invalid option, so that an option found
    /// invalid only once the input's width is known exits the same way.
    static let usage: Int32 = 64

    static func exitOnFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as InputError {
            report(error.description)
            throw ExitCode(error.exitCode)
        } catch let error as OutputError {
            report(error.description)
            throw ExitCode(error.exitCode)
        } catch let error as StateError {
            report(error.description)
            throw ExitCode(error.exitCode)
        } catch let error as EvaluateError {
            report(error.description)
            throw ExitCode(error.exitCode)
        } catch let error as ConfigurationError {
            report(error.description)
            throw ExitCode(usage)
        } catch let error as ValidationError {
            report(error.message)
            throw ExitCode(usage)
        }
    }

    /// Writes `text` to standard output, failing as every output does (`write failed`, exit
    /// 20; a closed pipe 19) instead of trapping the process.
    static func writeStandardOutput(_ text: String) throws {
        let out = OutputBuffer(fileDescriptor: STDOUT_FILENO)
        out.write(text)
        try out.flush()
    }

    static func report(_ message: String) {
        FileHandle.standardError.write(Data("clipstream: error: \(message)\n".utf8))
    }
}
