import ArgumentParser
import Foundation
import Profile
import Symbolization

/// Options every command that names frames shares (record, the TUI, later the service).
struct SymbolOptions: ParsableArguments {
    @Flag(name: .long, help: "Do not expand inlined calls into frames of their own.")
    var noInline = false

    @Flag(name: .long, help: "Write `func (file.c:42)` for frames whose source line is known.")
    var lines = false

    @Flag(name: .long, help: "Keep C++, Rust and Swift names as the binary stores them (mangled).")
    var rawNames = false

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("A folder of separate debug files laid out like /usr/lib/debug (.build-id/xx/yyyy.debug); repeatable.",
                               valueName: "path"))
    var debugDir: [String] = []

    func validate() throws {
        for directory in debugDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--debug-dir \(directory) is not a directory")
            }
        }
    }

    var symbolizerOptions: SymbolizerOptions {
        SymbolizerOptions(inlineFrames: !noInline, demangle: !rawNames, debugDirectories: debugDir)
    }

    var foldedOptions: FoldedWriter.Options {
        FoldedWriter.Options(includeLines: lines)
    }
}
