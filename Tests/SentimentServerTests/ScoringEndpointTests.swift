import Foundation
import HummingbirdTesting
import NIOCore
import SentimentKit
import SentimentServer
import Testing

/// What the endpoints answer to good requests: the CLI's numbers, bit for bit, however the texts are
/// batched; the explain objects; the model's info; health, readiness, metrics and the OpenAPI file.
@Suite struct ScoringEndpointTests {
    @Test func oneRequestAndOneRequestPerTextGiveTheCLIsDigits() async throws {
        let texts = ServerTestSupport.texts
        let expected = try ServerTestSupport.cliProbabilities(texts).map { "\($0)" }
        // Small batches and a short wait, so concurrent single texts land in batches of mixed company.
        let configuration = ServerTestSupport.configuration {
            $0.maxBatch = 5
            $0.maxDelay = .milliseconds(5)
        }
        try await ServerTestSupport.withServer(configuration) { client, port in
            let whole = try await client.execute(
                uri: "/v1/score", method: .post, headers: [.contentType: "application/json"],
                body: JSONBody.texts(texts))
            #expect(whole.status == .ok)
            #expect(try JSONBody.results(whole.body).probabilities == expected)
            #expect(try JSONBody.object(whole.body)["model"] as? String == ServerTestSupport.model)

            let single = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for (index, text) in texts.enumerated() {
                    group.addTask {
                        let answer = try await Client.score(port: port, [text])
                        #expect(answer.status == 200)
                        return (index, try JSONBody.results(answer.body).probabilities.first ?? "missing")
                    }
                }
                var found = [String](repeating: "", count: texts.count)
                for try await (index, probability) in group { found[index] = probability }
                return found
            }
            #expect(single == expected)
        }
    }

    @Test func theThresholdDecidesTheLabelsAndTextIsOneText() async throws {
        let probability = try ServerTestSupport.cliProbabilities(["great film"])[0]
        try await ServerTestSupport.withServer { client, _ in
            for threshold: Float in [0, probability, min(1, probability.nextUp), 1] {
                let answer = try await client.execute(
                    uri: "/v1/score", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"text": "great film", "threshold": \#(threshold)}"#))
                let results = try JSONBody.results(answer.body)
                #expect(results.probabilities == ["\(probability)"])
                #expect(results.labels == [probability >= threshold ? "positive" : "negative"], "at \(threshold)")
            }
            // Any JSON number in [0, 1] is a threshold, however far below a float's range.
            let tiny = try await client.execute(
                uri: "/v1/score", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"text": "great film", "threshold": 2.2250738585e-313}"#))
            #expect(try JSONBody.results(tiny.body).labels == ["positive"])
            let empty = try await client.execute(
                uri: "/v1/score", method: .post, headers: [.contentType: "application/json; charset=UTF-8"],
                body: ByteBuffer(string: #"{"texts": []}"#))
            #expect(empty.status == .ok)
            #expect(String(buffer: empty.body).hasPrefix(#"{"results":[],"#))
        }
    }

    @Test(arguments: ["integrated-gradients", "occlusion"])
    func explainAnswersTheObjectsExplainPrints(method: String) async throws {
        let texts = ["great film", "awful plot never again :) great film loved it great film"]
        let attribution: AttributionMethod = method == "occlusion" ? .occlusion : .defaultIntegratedGradients
        let explainer = try TextExplainer(
            model: SentimentModel(path: ServerTestSupport.model), method: attribution, threads: 1)
        let expected = try texts.map { try explainer.explain($0).jsonObject }
        try await ServerTestSupport.withServer { client, _ in
            let answer = try await client.execute(
                uri: "/v1/explain", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"texts": ["great film", "\#(texts[1])"], "method": "\#(method)"}"#))
            #expect(answer.status == .ok)
            let text = String(buffer: answer.body)
            #expect(text.hasPrefix(#"{"results":["# + expected.joined(separator: ",") + "],"))
        }
    }

    @Test func modelHealthReadinessAndTheOpenAPIDocument() async throws {
        let info = try ModelInfoReport(
            model: SentimentModel(path: ServerTestSupport.model), path: ServerTestSupport.model
        ).json()
        let document = try Data(contentsOf: ServerTestSupport.openAPIFile)
        try await ServerTestSupport.withServer { client, _ in
            let model = try await client.execute(uri: "/v1/model", method: .get)
            #expect(model.status == .ok)
            #expect(Array(model.body.readableBytesView) == info)
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(String(buffer: health.body) == #"{"status":"ok"}"#)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(try JSONBody.object(ready.body)["generation"] as? Int == 1)
            let openAPI = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(openAPI.status == .ok)
            #expect(openAPI.headers[.contentType] == "application/yaml")
            #expect(Data(buffer: openAPI.body) == document, "the served document is not docs/openapi.yaml: run scripts/embed_openapi.sh")
        }
    }

    @Test func metricsCountEveryAnswerByRouteAndStatus() async throws {
        try await ServerTestSupport.withServer { client, port in
            for _ in 0..<3 { _ = try await Client.score(port: port, ["great film", "awful"]) }
            _ = try await client.execute(
                uri: "/v1/score", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x"))
            _ = try await client.execute(uri: "/nowhere", method: .get)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"sentiment_http_requests_total{route="/v1/score",status="200"} 3"#))
            #expect(metrics.contains(#"sentiment_http_requests_total{route="/v1/score",status="415"} 1"#))
            #expect(metrics.contains(#"sentiment_http_requests_total{route="NotFound",status="404"} 1"#))
            #expect(metrics.contains("sentiment_texts_scored_total 6"))
            #expect(metrics.contains("sentiment_model_generation 1"))
            #expect(metrics.contains("sentiment_queue_depth_texts 0"))
            #expect(metrics.contains(#"sentiment_http_request_duration_seconds_count{route="/v1/score"} 4"#))
        }
    }
}
