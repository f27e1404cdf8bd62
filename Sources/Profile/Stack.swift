/// A symbolic call stack, ordered root → leaf (the order of folded files).
public struct Stack: Hashable, Sendable {
    public var frames: [Frame]

    public init(_ frames: [Frame]) {
        self.frames = frames
    }

    public var leaf: Frame? { frames.last }
    public var isEmpty: Bool { frames.isEmpty }
}
