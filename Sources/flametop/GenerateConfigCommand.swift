import ArgumentParser
import FoundationEssentials
import PlatformSupport
import Service

struct GenerateConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-config",
        abstract: "Write a commented example profiler.toml for `flametop serve`.",
        discussion: "Every key with its default and range. Edit the [grpc_tls] paths before serving."
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of stdout.", valueName: "path"))
    var output: String?

    @Flag(name: .long, help: "Replace an existing file.")
    var force = false

    func run() throws {
        guard let output else {
            print(ExampleConfiguration.text, terminator: "")
            return
        }
        if FileManager.default.fileExists(atPath: output) && !force {
            throw CommandFailure("\(output) exists; --force replaces it")
        }
        do {
            try ExampleConfiguration.text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot write \(output): \(FileErrorReason.of(error))")
        }
        Console.error("wrote \(output)")
    }
}
