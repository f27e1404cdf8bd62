import Foundation
import GRPCCore
import Profile
import Service
import TestSupport
import Testing

extension ServiceSystemTests {
    /// StartProfilingRequest's mode: an off-CPU session through the service, its
    /// metadata naming the mode and the unit of the counts.
    @Suite(.serialized)
    struct OffCPU {
        @Test(.needsRoot) func offCPUSessionSaysItsUnit() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try OffCPUTruthWorkload.build(in: directory))
            defer { workload.terminate() }

            try await TestServer.with(certificates) { port in
                try await TestServer.client(port, certificates) { client in
                    let started = try await client.start(pid: workload.pid, durationSeconds: 2, frequencyHz: 99,
                                                         mode: .offCpu)
                    #expect(started.mode == .offCpu)
                    let fetched = try await client.results(sessionID: started.sessionID, timeout: .seconds(30))
                    let meta = fetched.metadata
                    #expect(meta.mode == .offCpu)
                    #expect(meta.countUnit == "microseconds")
                    let counts = try FoldedReader().read(fetched.foldedText)
                    // Two threads blocked most of ~2 s each.
                    #expect(meta.sampleCount == counts.totalSamples)
                    #expect(counts.totalSamples > 2_000_000, "\(counts.totalSamples) µs off-CPU")
                    #expect(fetched.foldedText.contains("waker (tid "), "stacks start with their thread")
                    #expect(fetched.foldedText.contains("pipe_read_[k]"))

                    let refused = try await rpcError {
                        _ = try await client.start(pid: workload.pid, durationSeconds: 1, frequencyHz: 99,
                                                   unwind: .dwarf, mode: .wall)
                    }
                    #expect(refused.code == .invalidArgument)
                    #expect(refused.message.contains("frame pointers"), "\(refused.message)")

                    let cpu = try await client.start(pid: workload.pid, durationSeconds: 1, frequencyHz: 99)
                    let cpuResult = try await client.results(sessionID: cpu.sessionID, timeout: .seconds(30))
                    #expect(cpuResult.metadata.mode == .cpu && cpuResult.metadata.countUnit == "samples")
                }
            }
        }
    }
}
