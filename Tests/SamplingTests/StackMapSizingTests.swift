@testable import Sampling
import Testing

/// The kernel preallocates the stacks maps: one process gets what its samples can fill.
struct StackMapSizingTests {
    @Test func oneProcessGetsTwoSecondsOfSamplesOnEveryCPU() {
        var settings = SessionSettings(target: .process(pid: 1))
        settings.frequency = 99
        #expect(settings.stackMapEntries(cpus: 2) == 1024)
        settings.frequency = 999
        #expect(settings.stackMapEntries(cpus: 2) == 4096)
        #expect(settings.stackMapEntries(cpus: 64) == 16_384)
        settings.stackMapEntries = 2048
        #expect(settings.stackMapEntries(cpus: 2) == 2048)
    }

    @Test func systemWideKeepsTheFullSize() {
        var settings = SessionSettings(target: .allProcesses)
        settings.frequency = 19
        #expect(settings.stackMapEntries(cpus: 2) == 16_384)
    }
}
