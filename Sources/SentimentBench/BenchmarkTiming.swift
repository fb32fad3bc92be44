import Dispatch

/// Best-of timing for micro-benchmarks on a machine shared with other work: the fastest round is the
/// one least disturbed by other processes.
enum BenchmarkTiming {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// Seconds per call of `body`, the best of `rounds` rounds of back-to-back calls, each round long
    /// enough (at least `minRoundSeconds`) for the clock's resolution not to matter. One untimed call
    /// first warms caches, scratch buffers and worker threads.
    static func bestSecondsPerCall(rounds: Int, minRoundSeconds: Double, _ body: () -> Void) -> Double {
        body()
        var callsPerRound = 1
        while true {
            let start = now()
            for _ in 0..<callsPerRound { body() }
            let elapsed = now() - start
            if elapsed >= minRoundSeconds || callsPerRound >= 1 << 24 {
                var best = elapsed / Double(callsPerRound)
                for _ in 1..<max(rounds, 1) {
                    let roundStart = now()
                    for _ in 0..<callsPerRound { body() }
                    best = min(best, (now() - roundStart) / Double(callsPerRound))
                }
                return best
            }
            callsPerRound *= elapsed > 0 ? max(2, Int(minRoundSeconds / elapsed * 1.2)) : 2
        }
    }
}
