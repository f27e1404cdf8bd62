import Glibc

/// An append-only array of plain values in its own anonymous mapping: the address range is
/// reserved up front (PROT_NONE: no memory, no commit charge) and made writable a step at a
/// time as it fills, so growing never copies and never holds an old and a new buffer at once.
/// A growing Swift array does both, and glibc may keep the freed buffers resident (its mmap
/// threshold rises after the first large free), which doubled the kernel symbols' peak.
///
/// Growth that outruns the reservation falls back to a larger reservation and one copy.
/// Out of memory traps, as it does for Swift's own collections.
final class MappedBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    /// Bytes mapped (readable only beyond `writableBytes`).
    private var reservedBytes: Int
    /// Bytes made readable and writable, from `base`.
    private var writableBytes = 0

    private static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }
    /// mprotect(2) calls are cheap but not free: open 64 KB at a time.
    private static var growthStep: Int { max(pageSize, 64 * 1024) }

    /// `capacity`: elements to reserve address space for; reaching it costs one copy.
    init(reservingCapacity capacity: Int) {
        reservedBytes = Self.roundedToPages(max(capacity, 1) * MemoryLayout<Element>.stride)
        base = Self.reserve(bytes: reservedBytes)
    }

    deinit { munmap(base, reservedBytes) }

    var isEmpty: Bool { count == 0 }
    var last: Element? { count > 0 ? base[count - 1] : nil }

    subscript(position: Int) -> Element {
        get {
            assert(position >= 0 && position < count, "index out of range")
            return base[position]
        }
        set {
            assert(position >= 0 && position < count, "index out of range")
            base[position] = newValue
        }
    }

    func append(_ element: Element) {
        if (count + 1) * MemoryLayout<Element>.stride > writableBytes { grow(toHold: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let source = elements.baseAddress, !elements.isEmpty else { return }
        if (count + elements.count) * MemoryLayout<Element>.stride > writableBytes {
            grow(toHold: count + elements.count)
        }
        (base + count).initialize(from: source, count: elements.count)
        count += elements.count
    }

    /// Drops elements past `newCount`.
    func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "cannot truncate to \(newCount) of \(count)")
        count = newCount
    }

    /// Gives back the pages past the last element and the unused reservation.
    func shrinkToFit() {
        let keptBytes = Self.roundedToPages(max(count * MemoryLayout<Element>.stride, 1))
        guard keptBytes < reservedBytes else { return }
        munmap(UnsafeMutableRawPointer(base) + keptBytes, reservedBytes - keptBytes)
        reservedBytes = keptBytes
        writableBytes = min(writableBytes, keptBytes)
    }

    private func grow(toHold elements: Int) {
        let needed = elements * MemoryLayout<Element>.stride
        let target = Self.roundedToPages(max(needed, writableBytes + Self.growthStep))
        if target > reservedBytes {
            let larger = Self.roundedToPages(max(target, reservedBytes * 2))
            let moved = Self.reserve(bytes: larger)
            Self.makeWritable(UnsafeMutableRawPointer(moved), bytes: target)
            moved.initialize(from: base, count: count)
            munmap(base, reservedBytes)
            base = moved
            reservedBytes = larger
        } else {
            Self.makeWritable(UnsafeMutableRawPointer(base) + writableBytes, bytes: target - writableBytes)
        }
        writableBytes = target
    }

    private static func reserve(bytes: Int) -> UnsafeMutablePointer<Element> {
        let address = mmap(nil, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let address, address != MAP_FAILED else {
            fatalError("cannot reserve \(bytes) bytes: \(String(cString: strerror(errno)))")
        }
        return address.bindMemory(to: Element.self, capacity: bytes / MemoryLayout<Element>.stride)
    }

    private static func makeWritable(_ address: UnsafeMutableRawPointer, bytes: Int) {
        guard mprotect(address, bytes, PROT_READ | PROT_WRITE) == 0 else {
            fatalError("cannot commit \(bytes) bytes: \(String(cString: strerror(errno)))")
        }
    }

    private static func roundedToPages(_ bytes: Int) -> Int {
        let page = pageSize
        return (bytes + page - 1) / page * page
    }
}
