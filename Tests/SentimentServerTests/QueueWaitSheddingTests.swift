import Logging
import SentimentKit
import ServiceLifecycleTestKit
import Testing

@testable import SentimentServer

/// The scheduler refuses new requests once the oldest queued one has waited past `maxDelay +
/// maxQueueWait`, however few texts are queued; what it admitted is still answered.
@Suite struct QueueWaitSheddingTests {
    @Test func aRequestArrivingWhileTheOldestQueuedOneHasWaitedTooLongIsRefused() async throws {
        let configuration = ServerTestSupport.configuration {
            $0.threads = 1
            $0.maxQueueWait = .seconds(1)
        }
        let scheduler = BatchScheduler(
            configuration: configuration, metrics: ServerMetrics(maxBatch: configuration.maxBatch),
            logger: Logger(label: "test"))
        let model = try ServedModel(
            model: SentimentModel(path: ServerTestSupport.model), name: "test", generation: 1)
        // No worker runs yet, so what is admitted stays queued. The tasks may start late on a busy
        // machine: wait until both are queued, then past the limit.
        let first = Task { try await scheduler.probabilities(for: ["great film"], model: model) }
        let second = Task { try await scheduler.probabilities(for: ["dull plot", "never again"], model: model) }
        let deadline = ContinuousClock.now + .seconds(60)
        while scheduler.queuedTextCount < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(scheduler.queuedTextCount == 3, "the first two requests were not both queued")
        try await Task.sleep(for: .milliseconds(1300))
        await #expect(throws: BatchScheduler.Refusal.self) {
            _ = try await scheduler.probabilities(for: ["too late"], model: model)
        }
        await #expect(throws: BatchScheduler.Refusal.self) {
            _ = try await scheduler.explanations(for: ["too late"], method: .occlusion, model: model)
        }
        let expected = try ServerTestSupport.cliProbabilities(["great film", "dull plot", "never again"])
        try await testGracefulShutdown { trigger in
            let workers = Task { try await scheduler.run() }
            #expect(try await first.value == Array(expected[0..<1]))
            #expect(try await second.value == Array(expected[1..<3]))
            // The queue is empty again: new requests are admitted.
            #expect(try await scheduler.probabilities(for: ["great film"], model: model) == Array(expected[0..<1]))
            trigger.triggerGracefulShutdown()
            try await workers.value
        }
    }
}
