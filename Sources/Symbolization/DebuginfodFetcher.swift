import CDebuginfod
import Dispatch
import Glibc
import Synchronization

/// Separate debug files fetched by build-id from debuginfod servers through elfutils'
/// libdebuginfod, which keeps what it fetched in its on-disk cache
/// (`$DEBUGINFOD_CACHE_PATH`, default `~/.cache/debuginfod_client`). Fetches run one at a
/// time on a queue of their own, each stopped after `timeLimit`, so a slow server never
/// holds up a drain: a module asks, goes on without, and is named once the file is there.
public final class DebuginfodFetcher: Sendable {
    public enum Status: Equatable, Sendable {
        case pending
        case found(path: String)
        /// The servers do not have it, could not be reached, or took longer than the limit.
        case unavailable(errno: Int32)
    }

    /// The servers, space-separated as `DEBUGINFOD_URLS` takes them.
    public let urls: String
    public let timeLimit: Duration
    public let cachePath: String?
    /// One queue for every fetcher: libdebuginfod takes its servers and cache from the
    /// environment at each query, so queries with other settings must not overlap.
    private static let queue = DispatchQueue(label: "flametop.debuginfod")
    private let fetches = Mutex<[String: Status]>([:])

    /// libdebuginfod reads its servers and cache from the environment only: they are set
    /// there before each query (`cachePath` nil keeps its default).
    public init(urls: String, cachePath: String? = nil, timeLimit: Duration = .seconds(10)) {
        self.urls = urls
        self.cachePath = cachePath
        self.timeLimit = timeLimit
    }

    private static let registry = Mutex<[String: DebuginfodFetcher]>([:])

    /// The one fetcher of the process for `urls` (libdebuginfod's settings are process-wide).
    public static func shared(urls: String, cachePath: String? = nil) -> DebuginfodFetcher {
        registry.withLock { fetchers in
            if let known = fetchers[urls] { return known }
            let fetcher = DebuginfodFetcher(urls: urls, cachePath: cachePath)
            fetchers[urls] = fetcher
            return fetcher
        }
    }

    /// What is known about the debug file of `buildID` (lowercase hex); the first ask starts the fetch.
    public func status(buildID: String) -> Status {
        let (status, isNew) = fetches.withLock { fetches -> (Status, Bool) in
            if let known = fetches[buildID] { return (known, false) }
            fetches[buildID] = .pending
            return (.pending, true)
        }
        if isNew {
            Self.queue.async { [self] in
                setenv("DEBUGINFOD_URLS", urls, 1)
                if let cachePath { setenv("DEBUGINFOD_CACHE_PATH", cachePath, 1) } else { unsetenv("DEBUGINFOD_CACHE_PATH") }
                let result = Self.fetch(buildID: buildID, timeLimit: timeLimit)
                fetches.withLock { $0[buildID] = result }
            }
        }
        return status
    }

    private static func fetch(buildID: String, timeLimit: Duration) -> Status {
        // ELIBACC: "cannot access a needed shared library", the errno for a missing libdebuginfod1.
        guard let library = DebuginfodLibrary.shared else { return .unavailable(errno: ELIBACC) }
        guard let client = library.begin() else { return .unavailable(errno: ENOMEM) }
        defer { library.end(client) }
        let deadline = UnsafeMutablePointer<timespec>.allocate(capacity: 1)
        defer { deadline.deallocate() }
        clock_gettime(CLOCK_MONOTONIC, deadline)
        let (seconds, attoseconds) = timeLimit.components
        deadline.pointee.tv_sec += Int(seconds)
        deadline.pointee.tv_nsec += Int(attoseconds / 1_000_000_000)
        if deadline.pointee.tv_nsec >= 1_000_000_000 {
            deadline.pointee.tv_sec += 1
            deadline.pointee.tv_nsec -= 1_000_000_000
        }
        library.setUserData(client, deadline)
        // Called while the transfer runs (debuginfod.h): a non-zero answer stops it.
        library.setProgress(client) { client, _, _ in
            guard let deadline = DebuginfodLibrary.shared?.getUserData(client)?.assumingMemoryBound(to: timespec.self) else { return 0 }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let late = now.tv_sec > deadline.pointee.tv_sec
                || (now.tv_sec == deadline.pointee.tv_sec && now.tv_nsec >= deadline.pointee.tv_nsec)
            return late ? 1 : 0
        }
        var path: UnsafeMutablePointer<CChar>?
        // Length 0: the id is given as a hex string.
        let fd = buildID.withCString { id in
            id.withMemoryRebound(to: UInt8.self, capacity: buildID.utf8.count) {
                library.findDebuginfo(client, $0, 0, &path)
            }
        }
        guard fd >= 0 else { return .unavailable(errno: -fd) }
        close(fd)
        guard let path else { return .unavailable(errno: ENOENT) }
        defer { free(path) }
        return .found(path: String(cString: path))
    }
}
