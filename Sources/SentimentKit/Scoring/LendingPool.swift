import Foundation

/// Objects that must not be used by two callers at once (scorers, explainers), lent one per caller: a
/// call borrows an idle one, or makes a new one when all are busy, and returns it afterwards. The pool
/// thus grows to the largest number of simultaneous callers and no further.
final class LendingPool<Element>: @unchecked Sendable {
    // @unchecked: `idle` is only touched under `lock`, and a lent element is used by one caller at a
    // time (taken out of `idle` before use).
    private let lock = NSLock()
    private var idle: [Element] = []
    private let make: () throws -> Element

    init(make: @escaping () throws -> Element) {
        self.make = make
    }

    /// Runs `body` with an element no other caller is using.
    func withElement<Result>(_ body: (Element) throws -> Result) throws -> Result {
        lock.lock()
        let pooled = idle.popLast()
        lock.unlock()
        let element = try pooled ?? make()
        defer {
            lock.lock()
            idle.append(element)
            lock.unlock()
        }
        return try body(element)
    }
}
