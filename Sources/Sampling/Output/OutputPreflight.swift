import FoundationEssentials
import Glibc

/// Checks, before sampling starts, that a profile can be written where it is to go: the
/// path is not empty, its directory exists, takes new files and has room for a small file.
/// A probe file is created there, written, synced and removed, so what the kernel says is
/// what the user reads (`/proc/x`: the directory exists, but procfs takes no new files).
public enum OutputPreflight {
    /// What the probe writes: a short profile, so "no space" shows up now, not at the end.
    public static let probeBytes = 4096

    /// Stale temporary files of earlier runs killed while writing (SIGKILL, power loss) are
    /// removed first: `.NAME.tmp-XXXXXX` that no live writer holds locked.
    public static func check(directory: String, name: String, for path: String) throws(OutputFileError) {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            throw OutputFileError(path: path, operation: "use the directory \(directory)", errno: errno)
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputFileError(path: path, operation: "use \(directory) as a directory", errno: ENOTDIR,
                                  hint: "\(directory) is not a directory: choose another --output path")
        }
        removeStaleTemporaries(in: directory, name: name)
        let probe: TemporaryOutput
        do throws(TemporaryOutput.Failure) {
            probe = try TemporaryOutput(directory: directory, name: name)
        } catch {
            throw OutputFileError(path: path, operation: "create a file in \(directory)", errno: error.errno,
                                  hint: hint(creatingIn: directory, errno: error.errno))
        }
        defer { probe.remove() }
        let bytes = [UInt8](repeating: UInt8(ascii: "\n"), count: probeBytes)
        if let code = probe.write(bytes) ?? probe.sync() {
            throw OutputFileError(path: path, operation: "write a \(probeBytes / 1024) KiB test file in \(directory)",
                                  errno: code)
        }
    }

    /// Temporary files of `name` in `directory` that nobody holds: their writer died.
    static func removeStaleTemporaries(in directory: String, name: String) {
        let prefix = TemporaryOutput.prefix(for: name)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let path = directory + "/" + entry
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var status = stat()
            // A live writer holds its file locked; a regular file without the lock is stale.
            if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, flock(fd, LOCK_EX | LOCK_NB) == 0 {
                unlink(path)
            }
            close(fd)
        }
    }

    /// Why a directory that exists refuses a new file, where the errno alone misleads.
    static func hint(creatingIn directory: String, errno code: Int32) -> String {
        if let kind = fileSystemType(of: directory), pseudoFileSystems.contains(kind) {
            return "\(directory) exists, but it is on a kernel file system (\(kind)) that takes no new files: choose another --output path"
        }
        if code == ENOENT { return "\(directory) exists but refuses new files: choose another --output path" }
        return OutputFileError.hint(for: code)
    }

    private static let pseudoFileSystems: Set<String> = [
        "proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs", "bpf", "securityfs", "configfs",
    ]

    /// The type of the mount holding `path` (the longest mount point that prefixes it), from
    /// /proc/self/mounts: statfs(2) is not in Swift's Glibc module.
    static func fileSystemType(of path: String) -> String? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return nil }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Mount points escape spaces as \040 (fstab(5)).
            let point = String(fields[1].replacing("\\040", with: " "))
            let isPrefix = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if isPrefix, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type
    }
}
