import ArgumentParser
import FoundationEssentials
import Glibc
import PlatformSupport
import Profile
import Symbolization

/// Options every command that names frames shares (record, the TUI, later the service).
struct SymbolOptions: ParsableArguments {
    @Flag(name: .long, help: "Do not expand inlined calls into frames of their own.")
    var noInline = false

    @Flag(name: .long, help: "Write `func (file.c:42)` for frames whose source line is known, and `lib.so+0xSTART (+0x9)` for the offset inside a stripped function.")
    var lines = false

    @Flag(name: .long, help: "Keep C++, Rust and Swift names as the binary stores them (mangled).")
    var rawNames = false

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("A folder of separate debug files laid out like /usr/lib/debug (.build-id/xx/yyyy.debug); repeatable. With DEBUGINFOD_URLS set, debug files no folder holds are fetched from those debuginfod servers.",
                               valueName: "path"))
    var debugDir: [String] = []

    @Option(name: .long, help: ArgumentHelp("MB a file's compressed DWARF may take inflated; larger ones (e.g. libc6-dbg's) are named from their symbol table only, without lines or inlined frames. 0: no limit.", valueName: "MB"))
    var dwarfMemory = SymbolizerOptions.defaultMaximumDecompressedDWARFBytes >> 20

    func validate() throws {
        guard dwarfMemory >= 0 else { throw ValidationError("--dwarf-memory must be 0 (no limit) or more MB") }
        for directory in debugDir {
            guard let status = FileStatus(path: directory), status.isDirectory else {
                throw ValidationError("--debug-dir \(directory) is not a directory")
            }
        }
    }

    var symbolizerOptions: SymbolizerOptions {
        // debuginfod as elfutils' own tools use it: on when DEBUGINFOD_URLS names servers.
        SymbolizerOptions(inlineFrames: !noInline, demangle: !rawNames, debugDirectories: debugDir,
                          maximumDecompressedDWARFBytes: dwarfMemory == 0 ? nil : dwarfMemory << 20,
                          debuginfodURLs: ProcessInfo.processInfo.environment["DEBUGINFOD_URLS"])
    }

    var foldedOptions: FoldedWriter.Options {
        FoldedWriter.Options(includeLines: lines)
    }
}
