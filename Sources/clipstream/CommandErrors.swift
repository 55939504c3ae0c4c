import ArgumentParser
import ClipStreamCore
import ClipStreamIO
import Foundation

/// Turns typed input and output errors into one line on stderr and their documented exit code.
enum CommandErrors {
    static func exitOnFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as InputError {
            report(error.description)
            throw ExitCode(error.exitCode)
        } catch let error as OutputError {
            report(error.description)
            throw ExitCode(error.exitCode)
        } catch let error as ConfigurationError {
            report(error.description)
            throw ExitCode(2)
        } catch let error as ValidationError {
            report(error.message)
            throw ExitCode(2)
        }
    }

    static func report(_ message: String) {
        FileHandle.standardError.write(Data("clipstream: error: \(message)\n".utf8))
    }
}
