import Foundation
import HummingbirdTesting
import InMemoryLogging
import NIOCore
import SentimentServer
import Testing

/// POST /v1/reload (SIGHUP does the same; the CLI's tests send it to a real process): a good file is
/// served from then on, a bad one is refused with a logged warning while the old model keeps serving.
@Suite struct ModelReloadTests {
    @Test func aGoodFileIsSwappedInAndABadOneIsRefusedWhileTheOldKeepsServing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-reload-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let served = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.copyItem(atPath: ServerTestSupport.model, toPath: served.path)
        let texts = ["great film", "awful plot"]
        let first = try ServerTestSupport.cliProbabilities(texts).map { "\($0)" }
        let second = try ServerTestSupport.cliProbabilities(texts, model: ServerTestSupport.otherModel).map { "\($0)" }
        #expect(first != second)
        let (logger, log) = ServerTestSupport.logger()
        try await ServerTestSupport.withServer(model: .file(served.path), logger: logger) { client, port in
            #expect(try JSONBody.results(try await Client.score(port: port, texts).body).probabilities == first)

            try FileManager.default.removeItem(at: served)
            try FileManager.default.copyItem(atPath: ServerTestSupport.otherModel, toPath: served.path)
            let reloaded = try await client.execute(uri: "/v1/reload", method: .post)
            #expect(reloaded.status == .ok)
            #expect(try JSONBody.object(reloaded.body)["generation"] as? Int == 2)
            #expect(try JSONBody.results(try await Client.score(port: port, texts).body).probabilities == second)

            try Data("not a model".utf8).write(to: served)
            let refused = try await client.execute(uri: "/v1/reload", method: .post)
            #expect(refused.status == .unprocessableContent)
            #expect(try JSONBody.error(refused.body).code == "reload_refused")
            #expect(try JSONBody.results(try await Client.score(port: port, texts).body).probabilities == second)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(try JSONBody.object(ready.body)["generation"] as? Int == 2)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"sentiment_model_reloads_total{outcome="refused"} 1"#))
            #expect(metrics.contains(#"sentiment_model_reloads_total{outcome="loaded"} 1"#))
        }
        let warnings = log.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first.map { "\($0.message)" } == "reload refused; the previous model keeps serving")
        let reason = warnings.first?.metadata["error"].map { "\($0)" } ?? ""
        #expect(!reason.isEmpty)
    }
}
