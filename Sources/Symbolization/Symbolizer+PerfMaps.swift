import Glibc

/// JIT code names from perf maps (`/tmp/perf-PID.map`, the format perf reads).
extension Symbolizer {
    /// The name a JIT gave `address` in the process's perf map: `/tmp/perf-NSPID.map` inside
    /// the process's root (a container's /tmp, its own PID there), else ours. Re-read when
    /// it changed, at most once per refresh interval.
    func perfMapName(_ address: UInt64, pid: Int32, process: ProcessState) -> String? {
        guard options.perfMaps else { return nil }
        if let name = process.perfMap?.name(at: address) { return name }
        let now = clock.now
        if let checked = process.perfMapChecked, now - checked < mapsRefreshInterval { return nil }
        process.perfMapChecked = now
        for path in perfMapPaths(pid: pid, process: process) {
            var status = stat()
            guard stat(path, &status) == 0 else { continue }
            let stamp = [Int(status.st_size), status.st_mtim.tv_sec, status.st_mtim.tv_nsec]
            if stamp != process.perfMapStamp {
                process.perfMapStamp = stamp
                process.perfMap = try? PerfMap.read(path: path)
            }
            return process.perfMap?.name(at: address)
        }
        return nil
    }

    private func perfMapPaths(pid: Int32, process: ProcessState) -> [String] {
        guard let root = process.root else { return ["/tmp/perf-\(pid).map"] }
        let innerPID = Self.namespacePID(pid) ?? pid
        return ["\(root)/tmp/perf-\(innerPID).map", "/tmp/perf-\(pid).map"]
    }

    /// The PID the process has in its own PID namespace (the last `NSpid:` field).
    private static func namespacePID(_ pid: Int32) -> Int32? {
        guard let bytes = try? ProcFile.readAll("/proc/\(pid)/status", initialCapacity: 4096) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("NSpid:") }) else { return nil }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.flatMap { Int32($0) }
    }
}
