import Profile

/// The frames an address became (leaf first: inlined calls, then their function), and why
/// it has no symbol name if it has none.
struct Resolution {
    var frames: [Frame]
    var unresolved: UnresolvedReason?
    /// The module the statistics count the address under.
    var module: String?
    /// Unresolved for now (a debug file is on its way): not to be memoised.
    var isProvisional = false

    static func resolved(_ frame: Frame) -> Resolution {
        Resolution(frames: [frame], unresolved: nil, module: frame.module)
    }

    static func resolved(_ frames: [Frame], module: String?) -> Resolution {
        Resolution(frames: frames, unresolved: nil, module: module)
    }

    /// `PREFIX+0xOFFSET`: the name a frame gets when nothing better is known than where it
    /// is (a file offset, a kernel address), so two such frames never merge. (An address in
    /// no mapping is just `[unknown]`.)
    static func unresolved(_ reason: UnresolvedReason, prefix: String, offset: UInt64,
                           module: String?, kind: Frame.Kind = .user) -> Resolution {
        Resolution(frames: [Frame(function: "\(prefix)+0x\(String(offset, radix: 16))", module: module, kind: kind)],
                   unresolved: reason, module: module)
    }
}

extension Resolution {
    /// Records where the frames came from (the looked-up address, its mapping), for
    /// exports that keep addresses; every frame of one address shares both.
    mutating func locate(at address: UInt64, in mapping: CodeMapping?) {
        for index in frames.indices {
            frames[index].address = address
            frames[index].mapping = mapping
        }
    }
}
