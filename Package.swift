// swift-tools-version:6.1
import PackageDescription

// `make release` writes a link map, trains on it (scripts/order-functions.sh) and
// links with the linker script that writes: the code a session runs, packed at
// the front of the text, is resident in fewer of the 64 KB the kernel maps around
// each page fault (about 2.4 MB less peak RSS for `record --pid`, docs/BENCHMARKS.md).
let functionOrderFlags = (Context.environment["FLAMETOP_LINK_MAP"].map { ["-Xlinker", "-Map=\($0)"] } ?? [])
    + (Context.environment["FLAMETOP_FUNCTION_ORDER"].map { ["-Xlinker", "-T", "-Xlinker", $0] } ?? [])

let package = Package(
    name: "flametop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flametop", targets: ["flametop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The profiling service: gRPC over HTTP/2 with mTLS (NIOSSL), protobuf messages, TOML config.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The HTTP scrape endpoint (/debug/pprof/profile): NIO's HTTP/1.1 server.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C edges: module maps and tiny static-inline shims over system libraries.
        .systemLibrary(name: "CLibbpf", pkgConfig: "libbpf",
                       providers: [.apt(["libbpf-dev"])]),
        .systemLibrary(name: "CElfutils", pkgConfig: "libdw",
                       providers: [.apt(["libelf-dev", "libdw-dev"])]),
        .systemLibrary(name: "CDebuginfod", providers: [.apt(["libdebuginfod-dev"])]),
        // gzip for pprof files: the system's zlib behind a thin Swift wrapper with typed errors.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Gzip", dependencies: ["CZlib"]),
        // glibc's allocator settings and trimming (malloc.h).
        .systemLibrary(name: "CMalloc"),
        // The one header the BPF program and Swift share.
        .target(name: "CProfilerABI"),

        // The compiled BPF program, embedded as bytes during `swift build`.
        .executableTarget(name: "BPFEmbedTool", path: "Sources/BPFEmbedTool"),
        .plugin(name: "BPFCompilerPlugin", capability: .buildTool(),
                dependencies: ["BPFEmbedTool"]),
        .target(name: "BPFObject", plugins: ["BPFCompilerPlugin"]),

        // Pure Swift profile model: no C, no I/O beyond strings.
        .target(name: "Profile"),
        // pprof's protobuf messages (generated, committed) and the writer/reader over the
        // profile model: pure Swift too; gzip is the caller's step (Gzip).
        .target(name: "Pprof",
                dependencies: ["Profile", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "PlatformSupport"),
        .target(name: "Symbolization", dependencies: ["CElfutils", "CDebuginfod", "Profile", "PlatformSupport"]),
        .target(name: "Sampling",
                dependencies: ["CLibbpf", "CProfilerABI", "CMalloc", "BPFObject", "Profile", "Symbolization", "PlatformSupport"]),
        // No pkgConfig: ncursesw.pc carries -D flags SwiftPM rejects; the module map links it.
        .systemLibrary(name: "CCurses", providers: [.apt(["libncurses-dev"])]),
        .target(name: "TerminalUI",
                dependencies: ["CCurses", "Profile", "Sampling", "Pprof", "Gzip", "PlatformSupport",
                               .product(name: "Logging", package: "swift-log")]),
        .target(name: "Service",
                dependencies: ["Sampling", "Symbolization", "Profile", "Pprof", "Gzip", "PlatformSupport",
                               .product(name: "GRPCCore", package: "grpc-swift-2"),
                               .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                               .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                               .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "TOMLKit", package: "TOMLKit"),
                               .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "flametop",
                          dependencies: ["Sampling", "Symbolization", "Profile", "Pprof", "Gzip", "TerminalUI", "Service", "PlatformSupport", "CMalloc",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")],
                          // Nothing loads flametop as a library: exporting its 90k symbols
                          // dynamically only added 4.5 MB of .dynsym/.dynstr to the binary.
                          // Relative relocations packed (DT_RELR, glibc 2.36, binutils' ld):
                          // 20 KB instead of a 2.4 MB .rela.dyn that the loader read in full
                          // at every start (2 MB of peak RSS). gold cannot pack them; its
                          // identical-code folding saved less (0.6 MB of file, no RSS).
                          linkerSettings: [.unsafeFlags(["-use-ld=bfd", "-Xlinker", "--no-export-dynamic",
                                                         "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]
                                                            + functionOrderFlags,
                                                        .when(configuration: .release))]),

        // Builds test workloads, runs processes with bounded waits; shared by the test targets.
        .target(name: "TestSupport", dependencies: ["Profile"], path: "Tests/TestSupport"),
        .testTarget(name: "ProfileTests", dependencies: ["Profile", "TestSupport"]),
        .testTarget(name: "PlatformSupportTests", dependencies: ["PlatformSupport"]),
        .testTarget(name: "PprofTests", dependencies: ["Pprof", "Gzip", "Profile", "TestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Profile", "Pprof", "Gzip", "TestSupport"]),
        .testTarget(name: "SymbolizationTests", dependencies: ["Symbolization", "Profile", "TestSupport"]),
        .testTarget(name: "SamplingTests",
                    dependencies: ["Sampling", "CLibbpf", "CProfilerABI", "BPFObject", "Profile", "TestSupport"]),
        .testTarget(name: "FlametopTests", dependencies: ["Profile", "Pprof", "Gzip", "TestSupport"]),
        .testTarget(name: "ServiceTests",
                    dependencies: ["Service", "Profile", "Pprof", "Gzip", "Sampling", "TestSupport",
                                   .product(name: "GRPCCore", package: "grpc-swift-2"),
                                   .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport")]),
    ]
)

// The shipped code sees only the members of modules it imports itself: without this, an
// `import Foundation` deep in a dependency (TOMLKit, SwiftProtobuf) makes Foundation's
// `String(format:)` or `contains(_:)` resolve silently, and the link pulls in 34 MB of ICU data.
for target in package.targets where (target.type == .regular || target.type == .executable) && target.name != "TestSupport" {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}
