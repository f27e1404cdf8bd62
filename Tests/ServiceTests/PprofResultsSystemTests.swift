import Foundation
import Gzip
import Pprof
import Profile
import Service
import TestSupport
import Testing

extension ServiceSystemTests {
    /// GetProfilingResults with RESULT_FORMAT_PPROF: the chunks put together are the
    /// gzipped pprof file of the same profile the folded format streams.
    @Suite(.serialized)
    struct PprofResults {
        @Test(.needsRoot) func pprofChunksAreTheFileOfTheFoldedProfile() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            let chunkSize = 64

            try await TestServer.with(certificates, configure: { $0.profiler.chunkSizeBytes = chunkSize }) { port in
                try await TestServer.client(port, certificates) { client in
                    let started = try await client.start(pid: workload.pid, durationSeconds: 2, frequencyHz: 499)
                    let folded = try await client.results(sessionID: started.sessionID, timeout: .seconds(30))
                    let pprof = try await client.results(sessionID: started.sessionID, timeout: .seconds(10), format: .pprof)

                    #expect(folded.metadata.format == .folded)
                    #expect(pprof.metadata.format == .pprof)
                    #expect(pprof.metadata.totalBytes == UInt64(pprof.bytes.count))
                    // Binary data is cut at the chunk size alone.
                    #expect(pprof.chunkSizes.dropLast().allSatisfy { $0 == chunkSize }, "\(pprof.chunkSizes)")
                    #expect((pprof.chunkSizes.last ?? 0) <= chunkSize)
                    #expect(Gzip.isCompressed(pprof.bytes))

                    let raw = try Gzip.decompress(pprof.bytes)
                    let read = try PprofReader().read(raw)
                    #expect(read.counts.totalSamples == folded.metadata.sampleCount)
                    #expect(FoldedWriter().write(read.counts) == folded.foldedText, "the same stacks and counts")
                    #expect(read.period == 1_000_000_000 / 499 + 1 || read.period == 1_000_000_000 / 499)
                    let profile = try Perftools_Profiles_Profile(serializedBytes: raw)
                    let strings = profile.stringTable
                    let pids = Set(profile.sample.flatMap { $0.label.filter { strings[Int($0.key)] == "pid" }.map(\.num) })
                    #expect(pids == [Int64(workload.pid)])
                    let threads = Set(profile.sample.flatMap { $0.label.filter { strings[Int($0.key)] == "thread" }.map(\.num) })
                    #expect(threads.contains(Int64(workload.pid)), "every sample names its thread: \(threads)")
                    #expect(profile.mapping.contains { strings[Int($0.filename)].hasSuffix("/gt-nopie") && $0.buildID != 0 })
                }
            }
        }
    }
}
