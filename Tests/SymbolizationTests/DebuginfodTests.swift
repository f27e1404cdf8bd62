import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

/// A stripped binary whose debug file only a debuginfod server has (Debian's `debuginfod`
/// on 127.0.0.1): named once the file arrives, never waited for in a lookup.
@Suite(.serialized) struct DebuginfodTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let stripped: String
        let buildID: String
        let hot: Range<UInt64>
    }

    static func fixture() throws -> Fixture {
        let directory = try TemporaryDirectory()
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let served = directory.file("served")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        try Command.check(["objcopy", "--only-keep-debug", binary, "\(served)/ic.debug"])
        let stripped = directory.file("ic-bare")
        try Command.check(["strip", "--strip-all", "-o", stripped, binary])
        return Fixture(directory: directory, stripped: stripped, buildID: try DebugFixtures.buildID(of: binary),
                       hot: try DebugFixtures.functionRange("hot_c", in: binary))
    }

    @Test func strippedBinaryNamedOnceTheServerDelivers() throws {
        let fixture = try Self.fixture()
        defer { fixture.directory.remove() }
        let address = fixture.hot.lowerBound + 4
        let bare = "ic-bare+0x\(String(fixture.hot.lowerBound, radix: 16))"
        // Without a server: the function start from .eh_frame.
        let offline = try Symbolizer(cache: ModuleCache()).symbolizeFile(path: fixture.stripped, addresses: [address])
        #expect(offline.first?.last?.function == bare)

        let state = try TemporaryDirectory()
        defer { state.remove() }
        let server = try DebuginfodServer(serving: fixture.directory.file("served"), state: state, readyFor: fixture.buildID)
        defer { server.stop() }
        let options = SymbolizerOptions(debuginfodURLs: server.url, debuginfodCachePath: state.file("cache"))
        let symbolizer = Symbolizer(options: options, cache: ModuleCache())
        let clock = ContinuousClock()
        let start = clock.now
        let first = try symbolizer.symbolizeFile(path: fixture.stripped, addresses: [address])
        let firstAnswer = clock.now - start
        #expect(first.first?.last?.function == bare, "the first lookup does not wait for the server")
        var named: [[Frame]] = []
        let arrived = Wait.until(timeout: 15, interval: 0.01) {
            named = (try? symbolizer.symbolizeFile(path: fixture.stripped, addresses: [address])) ?? []
            return named.first?.last?.function == "hot_c"
        }
        let elapsed = clock.now - start
        print("debuginfod: first lookup answered in \(firstAnswer), frame named \(elapsed) after it")
        #expect(arrived, "still \(named) after 15 s")
        // The DWARF came too: the inlined loop and its lines.
        let chains = try symbolizer.symbolizeFile(path: fixture.stripped, addresses: Array(fixture.hot))
        #expect(chains.contains { $0.map(\.function) == ["leaf_inlined", "hot_c"] && $0.first?.line != nil }, "\(chains)")
        #expect(firstAnswer < .milliseconds(500))
        // Cached on disk by build-id.
        #expect(FileManager.default.fileExists(atPath: state.file("cache/\(fixture.buildID)/debuginfo")))
    }

    @Test func unreachableServerGivesUpWithinTheLimit() throws {
        let fixture = try Self.fixture()
        defer { fixture.directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        // Nothing listens on port 9 (discard) of 127.0.0.1 here: the connection is refused.
        let fetcher = DebuginfodFetcher(urls: "http://127.0.0.1:9", cachePath: state.file("cache"), timeLimit: .seconds(3))
        #expect(fetcher.status(buildID: fixture.buildID) == .pending)
        let settled = Wait.until(timeout: 10, interval: 0.02) { fetcher.status(buildID: fixture.buildID) != .pending }
        #expect(settled)
        guard case .unavailable = fetcher.status(buildID: fixture.buildID) else {
            Issue.record("expected unavailable, got \(fetcher.status(buildID: fixture.buildID))")
            return
        }
    }
}
