import FoundationEssentials
import PlatformSupport

/// Measures the recorder's CPU cost from one drain to the next over a sliding window: its
/// own thread's CPU time (CLOCK_THREAD_CPUTIME_ID, so it reads the calling thread: call it
/// on the recorder's thread) and the BPF program's run time from the kernel's statistics.
struct HistoryCostMeter {
    struct Measurement {
        var drainCPUShare: Double
        var programCPUShare: Double?
    }

    private struct Reading {
        var time: Double
        var threadCPU: Double
        var programNanoseconds: UInt64?
    }

    /// The readings the shares are taken over: ~10 s at one drain a second.
    private static let window = 10
    private var readings: [Reading] = []

    init(programRunTime: (nanoseconds: UInt64, runs: UInt64)?) {
        readings.append(Reading(time: HistoryClock.seconds(), threadCPU: Self.threadCPUSeconds(),
                                programNanoseconds: programRunTime?.nanoseconds))
    }

    mutating func measure(at time: Double, programRunTime: (nanoseconds: UInt64, runs: UInt64)?) -> Measurement? {
        let reading = Reading(time: time, threadCPU: Self.threadCPUSeconds(), programNanoseconds: programRunTime?.nanoseconds)
        readings.append(reading)
        if readings.count > Self.window + 1 { readings.removeFirst(readings.count - Self.window - 1) }
        guard let first = readings.first, reading.time > first.time else { return nil }
        let wall = reading.time - first.time
        var program: Double?
        if let now = reading.programNanoseconds, let then = first.programNanoseconds, now >= then {
            program = Double(now - then) / 1e9 / wall
        }
        return Measurement(drainCPUShare: (reading.threadCPU - first.threadCPU) / wall, programCPUShare: program)
    }

    static func threadCPUSeconds() -> Double { CPUClock.threadSeconds() }
}
