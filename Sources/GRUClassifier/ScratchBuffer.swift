/// Grow-only storage for workspace buffers of trivial elements (`Float`, `Int32`).
///
/// `reserve(_:)` reallocates only when a larger batch than ever before arrives and never shrinks, so a
/// training loop stops allocating after its first few batches. Contents are unspecified after a
/// reallocation; callers write before they read.
final class ScratchBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = .allocate(capacity: 1)
    }

    /// A pointer to at least `count` elements; keeps the old contents only when no growth is needed.
    @discardableResult
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            // Headroom, so that batches slightly longer than the last do not reallocate every time.
            let newCapacity = max(count, capacity + capacity / 4)
            pointer.deallocate()
            pointer = .allocate(capacity: newCapacity)
            capacity = newCapacity
        }
        return pointer
    }

    deinit { pointer.deallocate() }
}
