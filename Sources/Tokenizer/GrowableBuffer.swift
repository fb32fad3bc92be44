/// A manually managed buffer that keeps its memory between uses, so the tokenizer's hot loop does not
/// allocate. Owned by exactly one `Tokenizer`; freed with `deallocate()`.
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    /// Number of elements in use (for buffers filled by appending).
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for at least `minimumCapacity` elements, keeping the first `count`.
    @inline(__always)
    mutating func reserve(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { grow(to: minimumCapacity) }
    }

    private mutating func grow(to minimumCapacity: Int) {
        let newCapacity = max(minimumCapacity, capacity * 2)
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends without a capacity check: call `reserve` first.
    @inline(__always)
    mutating func appendUnchecked(_ element: Element) {
        base[count] = element
        count += 1
    }

    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    func deallocate() { base.deallocate() }
}
