import HTTPTypes
import Hummingbird
import NIOCore
import SentimentKit

/// The endpoints (docs/openapi.yaml describes each): what every route reads, checks and answers.
struct ServerRoutes {
    let configuration: ServerConfiguration
    let models: ModelHolder
    let scheduler: BatchScheduler
    let metrics: ServerMetrics
    let drain: DrainState

    /// Each path and the methods it takes, for 405 answers.
    static let methods: [String: [HTTPRequest.Method]] = [
        "/healthz": [.get], "/readyz": [.get], "/metrics": [.get], "/openapi.yaml": [.get],
        "/v1/model": [.get], "/v1/score": [.post], "/v1/explain": [.post], "/v1/reload": [.post],
    ]

    func add(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in Self.json(#"{"status":"ok"}"#) }
        router.get("/readyz") { _, _ in try readiness() }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.get("/v1/model") { _, _ in Self.json(try servedModel().info) }
        router.post("/v1/score") { request, _ in try await score(request) }
        router.post("/v1/explain") { request, _ in try await explain(request) }
        router.post("/v1/reload") { _, _ in try await reload() }
    }

    // MARK: Handlers

    private func readiness() throws -> Response {
        if drain.isDraining { throw APIError.draining }
        let model = try servedModel()
        var body = Array(#"{"status":"ready","model":"#.utf8)
        JSONText.appendString(model.name, to: &body)
        body.append(contentsOf: #","generation":\#(model.generation)}"#.utf8)
        return Self.json(body)
    }

    private func score(_ request: Request) async throws -> Response {
        let input = try await readTexts(request, allowsMethod: false, limit: configuration.maxTexts, flag: "--max-texts")
        let model = try servedModel()
        let probabilities = try await admitted { try await scheduler.probabilities(for: input.texts, model: model) }
        let threshold = input.threshold ?? model.threshold
        var body = Array(#"{"results":["#.utf8)
        body.reserveCapacity(16 + probabilities.count * 48)
        for (index, probability) in probabilities.enumerated() {
            if index > 0 { body.append(0x2C) }
            // The objects `sentiment score --format jsonl` prints, the probability printed the same way.
            let label = probability >= threshold ? SentimentLabel.positive : .negative
            body.append(contentsOf: #"{"probability":\#(probability),"label":"\#(label.rawValue)"}"#.utf8)
        }
        body.append(contentsOf: #"],"model":"#.utf8)
        JSONText.appendString(model.name, to: &body)
        body.append(contentsOf: "}\n".utf8)
        return Self.json(body)
    }

    private func explain(_ request: Request) async throws -> Response {
        let input = try await readTexts(
            request, allowsMethod: true, limit: configuration.maxExplainTexts, flag: "--max-explain-texts")
        let model = try servedModel()
        let method = input.method ?? .integratedGradients
        let explanations = try await admitted {
            try await scheduler.explanations(for: input.texts, method: method, model: model)
        }
        var body = Array(#"{"results":["#.utf8)
        for (index, explanation) in explanations.enumerated() {
            if index > 0 { body.append(0x2C) }
            body.append(contentsOf: explanation.jsonObject.utf8)
        }
        body.append(contentsOf: #"],"model":"#.utf8)
        JSONText.appendString(model.name, to: &body)
        body.append(contentsOf: "}\n".utf8)
        return Self.json(body)
    }

    private func reload() async throws -> Response {
        switch await models.reload(trigger: "POST /v1/reload") {
        case .loaded(let model):
            var body = Array(#"{"status":"reloaded","model":"#.utf8)
            JSONText.appendString(model.name, to: &body)
            body.append(contentsOf: #","generation":\#(model.generation)}"#.utf8)
            return Self.json(body)
        case .refused(let reason):
            throw APIError(
                status: .unprocessableContent, code: "reload_refused",
                message: "the model file was not loaded, the previous model keeps serving: \(reason)")
        case .alreadyReloading:
            throw APIError(status: .conflict, code: "reload_in_progress", message: "a model load is already under way")
        }
    }

    // MARK: Helpers

    /// The request's texts, checked: content type, admission (before the body is read), body size, JSON,
    /// field types, count.
    private func readTexts(_ request: Request, allowsMethod: Bool, limit: Int, flag: String) async throws
        -> TextsRequest
    {
        try TextsRequest.checkContentType(request.headers[.contentType])
        // Shed before reading: Hummingbird discards an unread body before the connection's next request.
        if let refusal = scheduler.refusalBeforeReading() { throw apiError(refusal) }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxBody)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: configuration.maxBody)
        }
        let input = try TextsRequest.parse(Array(buffer.readableBytesView), allowsMethod: allowsMethod)
        guard input.texts.count <= limit else {
            throw APIError.tooLarge("\(input.texts.count) texts in one request; the limit is \(limit) (\(flag))")
        }
        return input
    }

    /// The model now being served, or 503 while the first load is under way.
    private func servedModel() throws -> ServedModel {
        guard let model = models.model else { throw APIError.notReady }
        return model
    }

    /// Runs `work` through the scheduler's admission: a full queue or a stopped scheduler answers 503.
    private func admitted<Result>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await work()
        } catch let refusal as BatchScheduler.Refusal {
            throw apiError(refusal)
        }
    }

    private func apiError(_ refusal: BatchScheduler.Refusal) -> APIError {
        switch refusal {
        case .queueFull: APIError.overloaded(retryAfterSeconds: configuration.retryAfterSeconds)
        case .stopped: APIError.draining
        }
    }

    static func json(_ body: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ body: String) -> Response { json(Array(body.utf8)) }
}
