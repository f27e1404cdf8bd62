import Foundation
import PackagePlugin

/// Compiles `bpf/*.bpf.c` with clang `-target bpf` and embeds each object as a
/// base64 string in a generated Swift file of the `BPFObject` target.
///
/// Only the final `.swift` is declared as an output: an intermediate `.o` output
/// would become a resource and pull Foundation's bundle accessor into the target.
@main
struct BPFCompilerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let packageDir = context.package.directoryURL
        let bpfDir = packageDir.appending(path: "bpf")
        let abiHeaderDir = packageDir.appending(path: "Sources/CProfilerABI/include")
        let embedTool = try context.tool(named: "BPFEmbedTool")
        let clang = try context.tool(named: "clang")
        let objcopy = try context.tool(named: "llvm-objcopy")

        let sources = try FileManager.default.contentsOfDirectory(atPath: bpfDir.path)
            .filter { $0.hasSuffix(".bpf.c") }
            .sorted()
        // Every header a program can include: a change to one rebuilds the programs.
        let headers = try FileManager.default.contentsOfDirectory(atPath: abiHeaderDir.path)
            .filter { $0.hasSuffix(".h") }
            .map { abiHeaderDir.appending(path: $0) }
            + FileManager.default.contentsOfDirectory(atPath: bpfDir.path)
            .filter { $0.hasSuffix(".h") }
            .map { bpfDir.appending(path: $0) }

        return sources.map { source in
            let stem = String(source.dropLast(".bpf.c".count))
            let output = context.pluginWorkDirectoryURL.appending(path: "\(stem)BPFObject.swift")
            let input = bpfDir.appending(path: source)
            return .buildCommand(
                displayName: "Compiling BPF program \(source)",
                executable: embedTool.url,
                arguments: [
                    "--clang", clang.url.path,
                    "--objcopy", objcopy.url.path,
                    "--include", abiHeaderDir.path,
                    "--name", stem,
                    "--source", input.path,
                    "--output", output.path,
                ],
                inputFiles: [input] + headers,
                outputFiles: [output]
            )
        }
    }
}
