import CDebuginfod
import Glibc

/// libdebuginfod, loaded with `dlopen` the first time a debug file is fetched. Linking it would
/// load libcurl, GnuTLS, Kerberos, LDAP … (31 shared libraries, 4–5 MB resident) into every
/// start of flametop, debuginfod or not; elfutils' own libdw loads it the same lazy way.
struct DebuginfodLibrary: @unchecked Sendable {
    typealias Begin = @convention(c) () -> OpaquePointer?
    typealias End = @convention(c) (OpaquePointer?) -> Void
    typealias SetUserData = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void
    typealias GetUserData = @convention(c) (OpaquePointer?) -> UnsafeMutableRawPointer?
    typealias SetProgress = @convention(c) (OpaquePointer?, debuginfod_progressfn_t?) -> Void
    typealias FindDebuginfo = @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int32,
                                              UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32

    let begin: Begin
    let end: End
    let setUserData: SetUserData
    let getUserData: GetUserData
    let setProgress: SetProgress
    let findDebuginfo: FindDebuginfo

    /// The library, or nil when `libdebuginfod.so.1` (Debian: libdebuginfod1) is not installed.
    static let shared: DebuginfodLibrary? = load()

    private static func load() -> DebuginfodLibrary? {
        guard let handle = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let begin = symbol("debuginfod_begin", as: Begin.self),
              let end = symbol("debuginfod_end", as: End.self),
              let setUserData = symbol("debuginfod_set_user_data", as: SetUserData.self),
              let getUserData = symbol("debuginfod_get_user_data", as: GetUserData.self),
              let setProgress = symbol("debuginfod_set_progressfn", as: SetProgress.self),
              let findDebuginfo = symbol("debuginfod_find_debuginfo", as: FindDebuginfo.self)
        else {
            dlclose(handle)
            return nil
        }
        return DebuginfodLibrary(begin: begin, end: end, setUserData: setUserData, getUserData: getUserData,
                                 setProgress: setProgress, findDebuginfo: findDebuginfo)
    }
}
