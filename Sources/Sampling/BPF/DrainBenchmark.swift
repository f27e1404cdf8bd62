import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc

/// Measures how long draining a counts map of `keys` entries takes, with the
/// batch API and with the key-loop fallback (for `make bench`). The map is the
/// real sampler's, loaded but not attached, filled from user space.
public enum DrainBenchmark {
    public struct Result: Sendable {
        public var keys: Int
        public var batchMicroseconds: [Double]
        public var keyLoopMicroseconds: [Double]
        public var batchSupported: Bool
    }

    public static func run(keys: Int, repetitions: Int) throws(SamplingError) -> Result {
        let sampler = try BPFSampler(configuration: .init(
            targetTGID: UInt32(getpid()), userStacks: true, kernelStacks: true,
            countsCapacity: keys, stackMapEntries: 64, defaultMode: .framePointers))
        let fd = sampler.maps.counts[0]
        var result = Result(keys: keys, batchMicroseconds: [], keyLoopMicroseconds: [], batchSupported: true)
        for _ in 0..<repetitions {
            for useBatch in [true, false] {
                try fill(fd: fd, keys: keys)
                let drainer = CountsDrainer(capacity: 4096, allowBatch: useBatch)
                let start = ContinuousClock.now
                let drained = try drainer.drain(fd: fd)
                let micros = (ContinuousClock.now - start).seconds * 1e6
                guard drained.count == keys else {
                    throw SamplingError(.system, operation: "drain benchmark: drained \(drained.count) of \(keys) keys")
                }
                if useBatch {
                    result.batchSupported = drainer.usesBatch
                    result.batchMicroseconds.append(micros)
                } else {
                    result.keyLoopMicroseconds.append(micros)
                }
            }
        }
        return result
    }

    private static func fill(fd: Int32, keys: Int) throws(SamplingError) {
        var value: UInt64 = 1
        for index in 0..<keys {
            var key = ft_stack_key()
            key.pid = 1000 + UInt32(index % 97)
            key.tid = UInt32(index)
            key.user_stack = Int64(index % 4096)
            key.kern_stack = Int64(FT_STACK_NOT_CAPTURED)
            if bpf_map_update_elem(fd, &key, &value, UInt64(BPF_ANY)) != 0 {
                throw .system("bpf_map_update_elem(counts) while filling \(keys) keys", errno: errno)
            }
        }
    }
}
