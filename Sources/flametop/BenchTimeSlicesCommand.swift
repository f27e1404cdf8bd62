import ArgumentParser
import FoundationEssentials
import Glibc
import PlatformSupport
import Profile

/// `make bench` helper (hidden from help): the time slices' cost. Fills a ring with `--seconds`
/// of synthetic drains at `--rate` samples a second over `--stacks` distinct stacks, then
/// times re-aggregating the whole window and reports the ring's estimated bytes and the
/// resident memory it added.
struct BenchTimeSlicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-slices", abstract: "Measure time-slice window aggregation and memory.",
        shouldDisplay: false)

    @Option(help: "Distinct stacks drawn from.") var stacks = 10_000
    @Option(help: "Seconds of history (the ring's size too).") var seconds = 600
    @Option(help: "Samples per second (frequency × busy CPUs).") var rate = 99
    @Option(help: "Frames per stack, at most.") var depth = 32
    @Option var repetitions = 11
    @Flag(help: "The ground truth's shape: three stacks under libc's start code, split 50/30/20.")
    var groundTruth = false

    func validate() throws {
        guard (1...1_000_000).contains(stacks) else { throw ValidationError("--stacks must be between 1 and 1000000") }
        guard (1...86_400).contains(seconds) else { throw ValidationError("--seconds must be between 1 and 86400") }
        guard (1...100_000).contains(rate) else { throw ValidationError("--rate must be between 1 and 100000") }
        guard (2...512).contains(depth) else { throw ValidationError("--depth must be between 2 and 512") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }

    func run() throws {
        let pool = groundTruth ? Self.groundTruthStacks() : Self.syntheticStacks(count: stacks, depth: depth)
        let residentBefore = Self.residentBytes()
        var slices = TimeSlices(capacity: seconds)
        var sample = 0
        for second in 0..<seconds {
            // Two drains a second, as the session does.
            for samples in [rate / 2, rate - rate / 2] {
                var drained = StackCounts()
                for _ in 0..<samples {
                    drained.add(pool.pick(sample))
                    sample += 1
                }
                slices.record(drained, second: Int64(second))
            }
        }
        let residentAfter = Self.residentBytes()

        // Wall time and this thread's CPU time: on a shared machine the wall time also counts
        // the waits for a core; the CPU time is what one frame costs on an idle one.
        let clock = ContinuousClock()
        var times: [Double] = []
        var cpuTimes: [Double] = []
        var window = StackCounts()
        for _ in 0..<repetitions {
            let cpuBefore = Self.threadCPUMilliseconds()
            let elapsed = clock.measure { window = slices.profile(of: .all) }
            cpuTimes.append(Self.threadCPUMilliseconds() - cpuBefore)
            times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
        }
        times.sort()
        cpuTimes.sort()
        let megabyte = 1024.0 * 1024.0
        print("slices: \(seconds) s at \(rate) samples/s, \(window.uniqueStacks) unique stacks "
              + "(\(groundTruth ? "ground-truth shape" : "synthetic, depth ≤ \(depth)")), \(window.totalSamples) samples held")
        print(String(cFormat: "re-aggregate the whole window: %.1f ms wall, %.1f ms CPU (medians of %d; wall min %.1f, max %.1f)",
                     times[times.count / 2], cpuTimes[cpuTimes.count / 2], repetitions, times[0],
                     times[times.count - 1]))
        print(String(cFormat: "memory: estimated %.2f MB, resident growth %.2f MB",
                     Double(slices.estimatedBytes) / megabyte,
                     Double(max(0, residentAfter - residentBefore)) / megabyte))
    }

    /// Stacks with a weight each: `pick` walks them so every stack appears and the counts
    /// follow the weights.
    struct Pool {
        let stacks: [Stack]
        /// Cumulative weights out of `cycle`.
        let cumulative: [Int]
        var cycle: Int { cumulative.last ?? 1 }

        func pick(_ sample: Int) -> Stack {
            // A stride coprime with the cycle visits every position of it in turn.
            let position = (sample &* 7919) % cycle
            var low = 0, high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if position < cumulative[middle] { high = middle } else { low = middle + 1 }
            }
            return stacks[low]
        }
    }

    static func groundTruthStacks() -> Pool {
        let start = ["_start", "__libc_start_main_impl", "__libc_start_call_main", "main", "run"].map {
            Frame(function: $0, module: $0.hasPrefix("_") ? "libc.so.6" : "gt-nopie")
        }
        func leaf(_ names: String...) -> Stack {
            Stack(start + names.map { Frame(function: $0, module: "gt-nopie", sourceFile: "ground_truth.c", line: 40) })
        }
        return Pool(stacks: [leaf("alpha"), leaf("dispatch", "beta"), leaf("dispatch", "deep", "omega")],
                    cumulative: [50, 80, 100])
    }

    /// Distinct stacks over a shared pool of functions, as a real program's are: common
    /// roots, then branching paths of 30-odd-byte C++-like names.
    static func syntheticStacks(count: Int, depth: Int) -> Pool {
        var generator = UInt64(0x5eed)
        func next() -> Int {
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: generator >> 33)
        }
        let functions = (0..<max(64, count / 4)).map {
            Frame(function: "namespace::Component\($0 % 97)::operation_\($0)(int, char const*)",
                  module: "app", sourceFile: "component\($0 % 97).cpp", line: $0 % 500 + 1)
        }
        let roots = ["_start", "__libc_start_main_impl", "main"].map { Frame(function: $0, module: "app") }
        var seen = Set<Stack>()
        var stacks: [Stack] = []
        while stacks.count < count {
            let length = 2 + next() % (depth - 1)
            let frames = roots + (0..<max(0, length - roots.count)).map { _ in functions[next() % functions.count] }
            let stack = Stack(Array(frames.prefix(length)))
            if seen.insert(stack).inserted { stacks.append(stack) }
        }
        return Pool(stacks: stacks, cumulative: Array(1...count))
    }

    static func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
    }

    /// Resident bytes of this process, from /proc/self/statm (pages).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
