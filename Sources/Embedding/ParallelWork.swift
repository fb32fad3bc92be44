import Dispatch

/// The one way work is split across threads in the network and its training: `parts` pieces, run
/// concurrently (`DispatchQueue.concurrentPerform`) when there is more than one, on the calling thread
/// otherwise. Each piece must touch memory of its own.
public enum ParallelWork {
    /// Calls `body(part)` for every part in `0..<parts`.
    public static func run(parts: Int, _ body: @Sendable (Int) -> Void) {
        if parts <= 1 {
            if parts == 1 { body(0) }
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    /// The `part`-th of `parts` consecutive ranges that cover `0..<count`, their sizes differing by at
    /// most one.
    public static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }
}
