import Foundation
import Profile
import Sampling
import Testing
@testable import TerminalUI

/// Leaving a profile cancels the model being built (issue 14: `q` must not wait for it):
/// its result is dropped whenever it finishes, and the next build is not held up.
@Suite struct ProfileModelWorkerTests {
    static func source(lines: Int) throws -> StaticProfileSource {
        let text = (0..<lines).map { "main;work;leaf\($0 % 5000);inner\($0) 1" }.joined(separator: "\n")
        return StaticProfileSource(stacks: try FoldedReader().readTable(text), name: "big.folded")
    }

    func waitUntilIdle(_ worker: ProfileModelWorker) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while worker.isBuilding && Date() < deadline { usleep(1000) }
        return !worker.isBuilding
    }

    @Test func aCancelledBuildLeavesNoResultAndTheNextBuildRuns() throws {
        let worker = ProfileModelWorker()
        let big = try Self.source(lines: 200_000)
        worker.submit(big.snapshot(), stacks: big.stacks, parameters: .init())
        worker.cancel()
        #expect(waitUntilIdle(worker), "the cancelled build ended within 60 s")
        #expect(worker.take() == nil, "a cancelled build's model is never shown")

        let small = try Self.source(lines: 10)
        worker.submit(small.snapshot(), stacks: small.stacks, parameters: .init())
        #expect(waitUntilIdle(worker))
        let model = try #require(worker.take())
        #expect(model.stacks.totalSamples == 10)
    }
}
