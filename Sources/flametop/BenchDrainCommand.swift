import ArgumentParser
import FoundationEssentials
import PlatformSupport
import Sampling

/// `make bench` helper: drain time of a counts map (hidden from help).
struct BenchDrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-drain", abstract: "Measure drain time of the counts map.", shouldDisplay: false)

    @Option var keys = 10_000
    @Option var repetitions = 21

    func run() throws {
        let result: DrainBenchmark.Result
        do {
            result = try DrainBenchmark.run(keys: keys, repetitions: repetitions)
        } catch {
            throw CommandFailure(error.description)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(String(cFormat: "drain %d keys: batch %.0f us (median of %d)", result.keys, median(result.batchMicroseconds), repetitions)
              + (result.batchSupported ? "" : " [batch unsupported: key loop]")
              + String(cFormat: ", key loop %.0f us", median(result.keyLoopMicroseconds)))
    }
}
