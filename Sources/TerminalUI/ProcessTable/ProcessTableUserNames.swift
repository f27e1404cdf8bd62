import Glibc

/// uid → user name through getpwuid_r, remembered (names that don't exist too), so a
/// slow name service costs at most one lookup per uid.
struct ProcessTableUserNames: Sendable {
    private var names: [UInt32: String] = [:]

    mutating func name(of uid: UInt32) -> String {
        if let known = names[uid] { return known }
        let name = Self.lookUp(uid) ?? String(uid)
        names[uid] = name
        return name
    }

    private static func lookUp(_ uid: UInt32) -> String? {
        var size = max(1024, sysconf(Int32(_SC_GETPW_R_SIZE_MAX)))
        while size <= 1 << 20 {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0, result != nil, let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        return nil
    }
}
