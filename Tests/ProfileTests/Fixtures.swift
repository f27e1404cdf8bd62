import Profile

/// A user-space stack from function names, root first.
func stack(_ names: String...) -> Stack {
    Stack(names.map { Frame(function: $0) })
}

func counts(_ pairs: (Stack, UInt64)...) -> StackCounts {
    StackCounts(pairs)
}

func user(_ name: String) -> FunctionIdentity {
    FunctionIdentity(function: name)
}
