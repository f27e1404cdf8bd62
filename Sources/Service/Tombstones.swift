/// Why recently deleted sessions are gone, for a NOT_FOUND that says "expired"
/// rather than "unknown". Bounded: the oldest are forgotten first.
struct Tombstones: Sendable {
    let capacity: Int
    private var reasons: [String: String] = [:]
    private var order: [String] = []
    private var head = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    subscript(id: String) -> String? { reasons[id] }

    mutating func insert(_ id: String, reason: String) {
        if reasons.updateValue(reason, forKey: id) == nil { order.append(id) }
        while order.count - head > capacity {
            reasons[order[head]] = nil
            head += 1
        }
        // Compact now and then so `order` does not grow without bound.
        if head > capacity {
            order.removeFirst(head)
            head = 0
        }
    }
}
