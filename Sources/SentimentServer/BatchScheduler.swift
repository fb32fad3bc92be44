import Foundation
import Logging
import SentimentKit
import ServiceLifecycle

/// Dynamic batching over `ConcurrentScorer`: texts of concurrent requests wait in one bounded queue and
/// `threads` workers score them together, a batch closing at `maxBatch` texts or when its first text
/// has waited `maxDelay`, whichever comes first (Triton's and TorchServe's two knobs). A request larger
/// than `maxBatch` is cut into parts that several workers may score at once. Explanations share the
/// queue and the workers, one request per job. A request that would take the queue past `maxQueue`
/// texts, or that arrives while the oldest queued job has waited longer than `maxDelay + maxQueueWait`,
/// is refused at once (`Refusal.queueFull`), so overload costs a quick 503, not memory, and an admitted
/// request's wait stays bounded.
///
/// A batch holds texts of one model only: each request keeps the model it was admitted with, so a
/// reload never mixes two models in one answer. A text's probability does not depend on the other
/// texts of its batch (the network scores each sequence alone), so batching changes no answer.
final class BatchScheduler: Service, @unchecked Sendable {
    // @unchecked: every mutable field is touched only with `condition` locked.

    /// Why a request was not queued.
    enum Refusal: Error {
        case queueFull
        case stopped
    }

    private let maxBatch: Int
    private let maxDelay: Duration
    private let maxQueue: Int
    /// `maxDelay + maxQueueWait`: the oldest job's age past which new requests are refused.
    private let maxHeadAge: Duration
    private let threads: Int
    private let metrics: ServerMetrics
    private let logger: Logger

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var queuedTexts = 0
    private var stopping = false
    private var runningWorkers = 0
    private var workersStopped: CheckedContinuation<Void, Never>?

    init(configuration: ServerConfiguration, metrics: ServerMetrics, logger: Logger) {
        maxBatch = configuration.maxBatch
        maxDelay = configuration.maxDelay
        maxQueue = configuration.maxQueue
        maxHeadAge = configuration.maxDelay + configuration.maxQueueWait
        threads = configuration.threads
        self.metrics = metrics
        self.logger = logger
    }

    /// The probability of each text, in order, scored with `model`.
    func probabilities(for texts: [String], model: ServedModel) async throws -> [Float] {
        guard !texts.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let request = ScoreRequest(count: texts.count, continuation: continuation)
            let now = ContinuousClock.now
            let parts = stride(from: 0, to: texts.count, by: maxBatch).map { start in
                Job.score(
                    ScorePart(
                        model: model, texts: texts[start..<min(start + maxBatch, texts.count)], request: request,
                        enqueued: now))
            }
            if let refusal = enqueue(parts, texts: texts.count) { continuation.resume(throwing: refusal) }
        }
    }

    /// The explanation of each text, in order, by `method` with `model`.
    func explanations(for texts: [String], method: ExplainMethod, model: ServedModel) async throws
        -> [Explanation]
    {
        guard !texts.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let job = ExplainJob(
                model: model, texts: texts, method: method, enqueued: .now, continuation: continuation)
            if let refusal = enqueue([.explain(job)], texts: texts.count) { continuation.resume(throwing: refusal) }
        }
    }

    /// Texts waiting to be scored or explained now.
    var queuedTextCount: Int { condition.withLock { queuedTexts } }

    /// Why a request would be refused now whatever its texts, or nil: asked before its body is read, so
    /// that under overload a refusal costs no body copy and no JSON decoding, CPU the scoring threads
    /// need (the server's event loops and workers may share one core).
    func refusalBeforeReading() -> Refusal? {
        condition.withLock { refusal(adding: 1) }
    }

    /// Why `texts` more texts may not be queued now, or nil. Called with `condition` locked.
    private func refusal(adding texts: Int) -> Refusal? {
        if stopping { return .stopped }
        if queuedTexts + texts > maxQueue { return .queueFull }
        // Jobs are queued in arrival order, so the first is the oldest.
        if let oldest = jobs.first?.enqueued, oldest.duration(to: .now) > maxHeadAge { return .queueFull }
        return nil
    }

    /// Queues `newJobs` holding `texts` texts, or says why not.
    private func enqueue(_ newJobs: [Job], texts: Int) -> Refusal? {
        condition.lock()
        defer { condition.unlock() }
        if let refusal = refusal(adding: texts) { return refusal }
        jobs.append(contentsOf: newJobs)
        queuedTexts += texts
        metrics.setQueueDepth(queuedTexts)
        condition.broadcast()
        return nil
    }

    // MARK: Service

    /// Runs the workers until a graceful shutdown, then lets them finish every queued job.
    func run() async throws {
        condition.withLock { runningWorkers = threads }
        for index in 0..<threads {
            let thread = Thread { [self] in workerLoop() }
            thread.name = "sentiment-batch-\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
        try? await gracefulShutdown()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                condition.lock()
                stopping = true
                if runningWorkers == 0 {
                    continuation.resume()
                } else {
                    workersStopped = continuation
                }
                condition.broadcast()
                condition.unlock()
            }
        } onCancel: {
            failQueuedJobs(with: CancellationError())
        }
    }

    /// Past the drain deadline: the queued jobs are answered with `error` rather than scored.
    private func failQueuedJobs(with error: any Error) {
        condition.lock()
        let dropped = jobs
        jobs.removeAll()
        queuedTexts = 0
        stopping = true
        condition.broadcast()
        condition.unlock()
        for job in dropped {
            switch job {
            case .score(let part): part.request.fail(error, lock: condition)
            case .explain(let job): job.continuation.resume(throwing: error)
            }
        }
    }

    // MARK: Workers

    private func workerLoop() {
        condition.lock()
        while true {
            guard let head = jobs.first else {
                if stopping { break }
                condition.wait()
                continue
            }
            switch head {
            case .explain(let job):
                jobs.removeFirst()
                dequeued(job.texts.count)
                condition.unlock()
                explain(job)
                condition.lock()
            case .score(let first):
                let batch = partsForBatch(model: first.model)
                let deadline = first.enqueued + maxDelay
                let now = ContinuousClock.now
                if batch.texts < maxBatch, !stopping, now < deadline {
                    let wait = (now.duration(to: deadline) / .microseconds(1)) / 1e6
                    _ = condition.wait(until: Date(timeIntervalSinceNow: wait))
                    continue
                }
                let parts = batch.indices.map { jobs[$0].scorePart! }
                for index in batch.indices.reversed() { jobs.remove(at: index) }
                dequeued(batch.texts)
                condition.unlock()
                score(parts, texts: batch.texts)
                condition.lock()
            }
        }
        runningWorkers -= 1
        let stopped = runningWorkers == 0 ? workersStopped : nil
        if stopped != nil { workersStopped = nil }
        condition.unlock()
        stopped?.resume()
    }

    /// The queued score parts of `model` that make the next batch, oldest first, up to `maxBatch` texts
    /// (the first always fits: parts are at most `maxBatch` long). Called with `condition` locked.
    private func partsForBatch(model: ServedModel) -> (indices: [Int], texts: Int) {
        var indices: [Int] = []
        var texts = 0
        for (index, job) in jobs.enumerated() {
            guard let part = job.scorePart, part.model === model else { continue }
            if texts + part.texts.count > maxBatch { break }
            indices.append(index)
            texts += part.texts.count
            if texts == maxBatch { break }
        }
        return (indices, texts)
    }

    /// Called with `condition` locked.
    private func dequeued(_ texts: Int) {
        queuedTexts -= texts
        metrics.setQueueDepth(queuedTexts)
    }

    private func score(_ parts: [ScorePart], texts: Int) {
        let batch = parts.flatMap(\.texts)
        do {
            let probabilities = try parts[0].model.scorer.probabilities(for: batch)
            metrics.recordBatch(texts: texts)
            var offset = 0
            for part in parts {
                part.request.deliver(
                    probabilities[offset..<offset + part.texts.count], at: part.texts.startIndex, lock: condition)
                offset += part.texts.count
            }
        } catch {
            logger.warning("scoring a batch failed", metadata: ["texts": "\(texts)", "error": "\(error)"])
            for part in parts { part.request.fail(error, lock: condition) }
        }
    }

    private func explain(_ job: ExplainJob) {
        do {
            guard let explainer = job.model.explainers[job.method] else {
                preconditionFailure("every method has an explainer")
            }
            let explanations = try explainer.explanations(for: job.texts)
            metrics.recordExplained(texts: job.texts.count)
            job.continuation.resume(returning: explanations)
        } catch {
            logger.warning("explaining failed", metadata: ["texts": "\(job.texts.count)", "error": "\(error)"])
            job.continuation.resume(throwing: error)
        }
    }
}

/// A queued unit of work.
private enum Job {
    case score(ScorePart)
    case explain(ExplainJob)

    var scorePart: ScorePart? {
        if case .score(let part) = self { part } else { nil }
    }

    /// When it was queued.
    var enqueued: ContinuousClock.Instant {
        switch self {
        case .score(let part): part.enqueued
        case .explain(let job): job.enqueued
        }
    }
}

/// Up to `maxBatch` consecutive texts of one score request.
private struct ScorePart {
    let model: ServedModel
    /// Indices are the request's own.
    let texts: ArraySlice<String>
    let request: ScoreRequest
    let enqueued: ContinuousClock.Instant
}

/// One explain request.
private struct ExplainJob {
    let model: ServedModel
    let texts: [String]
    let method: ExplainMethod
    let enqueued: ContinuousClock.Instant
    let continuation: CheckedContinuation<[Explanation], any Error>
}

/// A score request whose parts may be scored by different workers: the probabilities are gathered and
/// the caller resumed when the last part is in (or at the first failure).
private final class ScoreRequest: @unchecked Sendable {
    // @unchecked: mutated only under the scheduler's lock, passed in.
    private var probabilities: [Float]
    private var missing: Int
    private var finished = false
    private let continuation: CheckedContinuation<[Float], any Error>

    init(count: Int, continuation: CheckedContinuation<[Float], any Error>) {
        probabilities = [Float](repeating: 0, count: count)
        missing = count
        self.continuation = continuation
    }

    func deliver(_ part: ArraySlice<Float>, at start: Int, lock: NSCondition) {
        lock.lock()
        guard !finished else {
            lock.unlock()
            return
        }
        probabilities.replaceSubrange(start..<start + part.count, with: part)
        missing -= part.count
        let complete = missing == 0 ? probabilities : nil
        if complete != nil { finished = true }
        lock.unlock()
        if let complete { continuation.resume(returning: complete) }
    }

    func fail(_ error: any Error, lock: NSCondition) {
        lock.lock()
        let first = !finished
        finished = true
        lock.unlock()
        if first { continuation.resume(throwing: error) }
    }
}
