import ArgumentParser

@main
struct ClipStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clipstream")
}
