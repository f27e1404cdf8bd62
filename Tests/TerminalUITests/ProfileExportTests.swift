import Foundation
import Gzip
import Pprof
import Profile
import Sampling
@testable import TerminalUI
import Testing
import TestSupport

/// The export key's pprof choice writes the gzipped pprof file `record` writes.
struct ProfileExportTests {
    @Test func pprofExportReadsBackWithTheSessionsMetadata() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var counts = StackCounts()
        counts.add(Stack([Frame(function: "main", module: "app"), Frame(function: "hot", module: "app")]), count: 3)
        var settings = SessionSettings(target: .process(pid: 4242))
        settings.frequency = 250
        let snapshot = SessionSnapshot(settings: settings, counts: counts, statistics: SamplingStatistics(),
                                       state: .finished, startedAt: Date(timeIntervalSince1970: 1_700_000_000),
                                       elapsed: 2.5, targetName: "worker", generation: 1)
        let metadata = ProfileExport.metadata(for: snapshot)
        #expect(metadata.labels == SampleLabels(pid: 4242, comm: "worker"))
        #expect(metadata.periodNanos == 4_000_000 && metadata.durationNanos == 2_500_000_000)
        #expect(metadata.timeNanos == 1_700_000_000_000_000_000)

        let path = directory.file("out.pb.gz")
        #expect(ProfileExport.write(counts, format: .pprof, metadata: metadata, to: path, foldedOptions: .init()) == nil)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Gzip.isCompressed(bytes))
        let read = try PprofReader().read(try Gzip.decompress(bytes))
        #expect(FoldedWriter().write(read.counts) == "main;hot 3\n")
        #expect(read.period == 4_000_000)

        let folded = directory.file("out.folded")
        #expect(ProfileExport.write(counts, format: .folded, metadata: metadata, to: folded, foldedOptions: .init()) == nil)
        #expect(try String(contentsOfFile: folded, encoding: .utf8) == "main;hot 3\n")
    }

    @Test func formatsNameTheirFiles() {
        #expect(ProfileFormat.implied(byPath: "a.pb.gz") == .pprof && ProfileFormat.implied(byPath: "a.PPROF") == .pprof)
        #expect(ProfileFormat.implied(byPath: "a.folded") == .folded && ProfileFormat.implied(byPath: "a.txt") == .folded)
        #expect(ProfileFormat.pprof.renaming("flametop-x-1.folded") == "flametop-x-1.pb.gz")
        #expect(ProfileFormat.folded.renaming("x.pb.gz") == "x.folded")
        #expect(ProfileFormat.pprof.renaming("x") == "x.pb.gz")
    }
}
