import Foundation
import Histogram

/// Latency histograms by outcome, in microseconds (1 µs to 10 min, 3 significant digits).
final class LatencyRecorder: @unchecked Sendable {
    // @unchecked: `histograms` is only touched under `lock`.
    private let lock = NSLock()
    private var histograms: [String: Histogram<UInt64>] = [:]

    func record(_ outcome: Outcome, latency: Duration) {
        let microseconds = UInt64(max(1, latency / .microseconds(1)))
        lock.withLock {
            var histogram =
                histograms[outcome.name]
                ?? Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
            _ = histogram.record(min(microseconds, 600_000_000))
            histograms[outcome.name] = histogram
        }
    }

    struct Report {
        var text: String
        var json: String
    }

    static let percentiles: [Double] = [50, 90, 99, 99.9, 100]

    func report(seconds: Double, skipped: Int, rate: Double) -> Report {
        let histograms = lock.withLock { self.histograms }
        var all = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        for histogram in histograms.values { all.add(histogram) }
        var lines = [
            String(format: "target rate %.1f/s, achieved %.1f/s over %.1f s; %d not sent (too many outstanding)",
                   rate, Double(all.totalCount) / seconds, seconds, skipped)
        ]
        var object: [String: Any] = [
            "target_rate": rate, "seconds": seconds, "completed": all.totalCount, "not_sent": skipped,
            "achieved_rate": Double(all.totalCount) / seconds,
        ]
        var byOutcome: [String: Any] = [:]
        for (name, histogram) in [("all", all)] + histograms.sorted(by: { $0.key < $1.key }) {
            let values = Self.percentiles.map { histogram.valueAtPercentile($0) }
            let described = zip(Self.percentiles, values).map { String(format: "p%g %.3f ms", $0, Double($1) / 1000) }
            lines.append("\(name): \(histogram.totalCount) requests; " + described.joined(separator: ", "))
            byOutcome[name] = [
                "count": histogram.totalCount,
                "latency_ms": Dictionary(uniqueKeysWithValues: zip(Self.percentiles.map { "p\($0)" }, values.map { Double($0) / 1000 })),
            ] as [String: Any]
        }
        object["outcomes"] = byOutcome
        let json = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map {
            String(decoding: $0, as: UTF8.self)
        } ?? "{}"
        return Report(text: lines.joined(separator: "\n"), json: json)
    }
}
