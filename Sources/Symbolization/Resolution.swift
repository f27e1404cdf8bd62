import Profile

/// The frame an address became, and why it has no symbol name if it has none.
struct Resolution {
    var frame: Frame
    var unresolved: UnresolvedReason?

    static func resolved(_ frame: Frame) -> Resolution { Resolution(frame: frame, unresolved: nil) }

    /// `PREFIX+0xOFFSET`: the name a frame gets when nothing better is known. It always keeps
    /// the address, so nothing is invented and two unknown frames never merge.
    static func unresolved(_ reason: UnresolvedReason, prefix: String, offset: UInt64,
                           module: String?, kind: Frame.Kind = .user) -> Resolution {
        Resolution(frame: Frame(function: "\(prefix)+0x\(String(offset, radix: 16))", module: module, kind: kind),
                   unresolved: reason)
    }
}
