import CLibbpf
import FoundationEssentials
import Glibc

/// What `flametop doctor` reports: each requirement of eBPF profiling probed on
/// this kernel, with a verdict and the fix for what fails.
public struct SystemCheck: Sendable {
    public enum Status: Sendable { case ok, warning, failed }

    public struct Item: Sendable {
        public var name: String
        public var status: Status
        public var detail: String
        /// What to do about a warning or failure.
        public var fix: String
    }

    public var items: [Item] = []

    /// True when nothing required failed.
    public var canProfile: Bool { !items.contains { $0.status == .failed } }

    /// Probes the running kernel. Loads and attaches the real sampler program once
    /// (for a few microseconds) when the earlier checks pass.
    public static func run() -> SystemCheck {
        var check = SystemCheck()
        check.items.append(kernelVersion())
        check.items.append(btf())
        let capabilities = Capabilities.current()
        check.items.append(privileges(capabilities))
        check.items.append(bpfSyscall())
        check.items.append(perfEvents())
        check.items.append(kernelSymbols())
        check.items.append(KernelFeatureProbe.batchItem())
        check.items.append(KernelFeatureProbe.pidfdItem())
        if check.canProfile {
            check.items.append(loadSampler())
            check.items.append(loadDwarfSampler())
        }
        return check
    }

    static func kernelVersion() -> Item {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        let supported = numbers.count == 2 && (numbers[0], numbers[1]) >= (5, 17)
        return Item(name: "kernel", status: supported ? .ok : .failed, detail: "Linux \(release)",
                    fix: supported ? "" : "flametop needs Linux 5.17 or newer (BPF global data, global functions, bpf_loop)")
    }

    static func btf() -> Item {
        let present = FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux")
        return Item(name: "kernel BTF", status: present ? .ok : .warning,
                    detail: present ? "/sys/kernel/btf/vmlinux present" : "no /sys/kernel/btf/vmlinux",
                    fix: present ? "" : "not required by flametop; CONFIG_DEBUG_INFO_BTF=y helps other BPF tools")
    }

    static func privileges(_ capabilities: Capabilities) -> Item {
        if geteuid() == 0 && capabilities.canProfile {
            return Item(name: "privileges", status: .ok, detail: "root", fix: "")
        }
        if capabilities.canProfile {
            let which = capabilities.has(Capabilities.sysAdmin) ? "CAP_SYS_ADMIN" : "CAP_BPF + CAP_PERFMON"
            return Item(name: "privileges", status: .ok, detail: which, fix: "")
        }
        return Item(name: "privileges", status: .failed,
                    detail: "missing \(capabilities.missingForProfiling.joined(separator: ", ")) (uid \(geteuid()))",
                    fix: SamplingError.privilegeHint)
    }

    static func bpfSyscall() -> Item {
        LibbpfLog.install()
        // libbpf's program-type probe answers "unsupported" for any failure, so ask
        // bpf() itself first: ENOSYS means no syscall, EPERM a privilege problem.
        let probeMap = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ft_probe", 4, 4, 1, nil)
        if probeMap < 0 {
            let code = errno
            if code == ENOSYS {
                return Item(name: "BPF", status: .failed, detail: "no bpf() system call (ENOSYS)",
                            fix: "use a kernel built with CONFIG_BPF_SYSCALL=y, or lift the seccomp filter that blocks bpf()")
            }
            if code == EPERM || code == EACCES {
                return Item(name: "BPF", status: .failed, detail: "bpf() refused (\(String(cString: strerror(code))))",
                            fix: SamplingError.privilegeHint)
            }
        } else {
            close(probeMap)
        }
        let result = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_PERF_EVENT, nil)
        if result == 1 {
            return Item(name: "BPF", status: .ok, detail: "bpf() works; perf_event programs supported", fix: "")
        }
        let code = result < 0 ? -result : 0
        switch code {
        case ENOSYS:
            return Item(name: "BPF", status: .failed, detail: "no bpf() system call (ENOSYS)",
                        fix: "use a kernel built with CONFIG_BPF_SYSCALL=y, or lift the seccomp filter that blocks bpf()")
        case EPERM, EACCES:
            return Item(name: "BPF", status: .failed, detail: "bpf() refused (\(String(cString: strerror(code))))",
                        fix: SamplingError.privilegeHint)
        default:
            return Item(name: "BPF", status: .failed,
                        detail: result == 0 ? "perf_event programs not supported" : "probe failed: errno \(code)",
                        fix: "use a kernel with CONFIG_BPF_EVENTS=y (Linux 5.3+)")
        }
    }

    static func perfEvents() -> Item {
        let paranoid = Sysctl.perfEventParanoid()
        let events = PerfEventSet()
        do {
            try events.openPerCPU(frequency: 1)
            return Item(name: "perf events", status: .ok,
                        detail: "cpu-clock opens on \(events.descriptors.count) CPUs (perf_event_paranoid=\(paranoid.map(String.init) ?? "?"))",
                        fix: "")
        } catch {
            return Item(name: "perf events", status: .failed, detail: error.description, fix: error.hint)
        }
    }

    static func kernelSymbols() -> Item {
        guard let handle = fopen("/proc/kallsyms", "r") else {
            return Item(name: "kernel symbols", status: .warning, detail: "/proc/kallsyms unreadable",
                        fix: "kernel frames will show as [kernel]+0xADDR")
        }
        defer { fclose(handle) }
        var buffer = [CChar](repeating: 0, count: 256)
        let hidden = fgets(&buffer, Int32(buffer.count), handle).map { String(cString: $0).hasPrefix("0000000000000000") } ?? true
        let restrict = Sysctl.kptrRestrict().map(String.init) ?? "?"
        return hidden
            ? Item(name: "kernel symbols", status: .warning, detail: "addresses hidden (kptr_restrict=\(restrict))",
                   fix: "run as root, or set kernel.kptr_restrict=0, to name kernel frames")
            : Item(name: "kernel symbols", status: .ok, detail: "/proc/kallsyms readable (kptr_restrict=\(restrict))", fix: "")
    }

    static func loadSampler() -> Item {
        do throws(SamplingError) {
            let sampler = try BPFSampler(configuration: .init(
                targetTGID: UInt32(getpid()), userStacks: true, kernelStacks: true,
                countsCapacity: 64, stackMapEntries: 64, defaultMode: .framePointers))
            let events = PerfEventSet()
            try events.openPerCPU(frequency: 1)
            try sampler.attach(to: events)
            return Item(name: "sampler", status: .ok, detail: "flametop's BPF program loads, verifies and attaches", fix: "")
        } catch {
            return Item(name: "sampler", status: .failed, detail: error.description, fix: error.hint)
        }
    }

    /// DWARF mode is optional: without it `auto` stays with frame pointers.
    static func loadDwarfSampler() -> Item {
        let name = "DWARF unwinding"
        guard SessionSettings.UnwindMode.dwarfSupported else {
            return Item(name: name, status: .warning, detail: "x86-64 only",
                        fix: "--unwind auto and fp walk frame pointers; stacks through code without them stay incomplete")
        }
        do throws(SamplingError) {
            let framePointers = try BPFSampler(configuration: .init(
                targetTGID: UInt32(getpid()), userStacks: true, kernelStacks: true,
                countsCapacity: 64, stackMapEntries: 64, defaultMode: .framePointers))
            let sampler = try DwarfSampler(configuration: .init(
                targetTGID: UInt32(getpid()), userStacks: true, kernelStacks: true, stackBytes: 512, ringBytes: 65536,
                processTableFD: framePointers.processTableFD))
            try framePointers.installDwarfProgram(fd: sampler.programFD)
            return Item(name: name, status: .ok, detail: "the unwind program loads, verifies and takes the tail-call slot", fix: "")
        } catch {
            return Item(name: name, status: .warning, detail: error.description,
                        fix: "--unwind dwarf is unavailable and --unwind auto keeps every process on frame pointers: " + error.hint)
        }
    }
}

private func >= (lhs: (Int, Int), rhs: (Int, Int)) -> Bool {
    lhs.0 != rhs.0 ? lhs.0 > rhs.0 : lhs.1 >= rhs.1
}
