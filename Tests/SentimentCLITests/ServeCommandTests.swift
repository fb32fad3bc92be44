import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `sentiment serve` as a user runs it: the scores `sentiment score` prints, however they are sent;
/// SIGTERM and SIGINT drain and exit 0; SIGHUP reloads the model file or refuses a bad one; the model is
/// found as `score` finds it.
@Suite("sentiment serve", .serialized)
struct ServeCommandTests {
    /// A running `sentiment serve` on a free port.
    struct Server {
        let run: SignalledRun
        let port: Int

        init(_ arguments: [String], in directory: URL) throws {
            run = try SignalledRun(["serve", "--port", "0"] + arguments, in: directory)
            #expect(run.waitForLine(timeout: 30) { $0.contains("model loaded") }, "\(run.standardError)")
            guard let port = run.standardError.firstMatch(of: /port=([0-9]+)/).flatMap({ Int($0.output.1) }) else {
                kill(run.process.processIdentifier, SIGKILL)
                throw NoPort(log: run.standardError)
            }
            self.port = port
        }

        /// Kills the server if a failed test left it running.
        func killIfRunning() {
            if run.process.isRunning { kill(run.process.processIdentifier, SIGKILL) }
        }

        /// The probabilities of a /v1/score answer, as written.
        func score(_ texts: [String]) async throws -> [String] {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/score")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(try JSONSerialization.data(withJSONObject: ["texts": texts]))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
            return body.matches(of: /"probability":([^,]+),/).map { String($0.output.1) }
        }
    }

    struct NoPort: Error, CustomStringConvertible {
        var log: String
        var description: String { "sentiment serve logged no port: \(log)" }
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentiment-serve-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func linesSentInOneRequestOrOnePerRequestGetTheDigitsScorePrints() async throws {
        let model = try TestModelFiles.trained.get().path
        let lines = try String(contentsOf: TestModelFiles.englishCorpus, encoding: .utf8)
            .split(separator: "\n").dropFirst().prefix(200).map { String($0.split(separator: "\t")[1]) }
        let scored = try SentimentBinary.run(
            ["score", "--model", model], input: Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(scored.status == 0)
        let expected = outputLines(scored.standardOutput).map { String($0.split(separator: "\t")[0]) }
        #expect(expected.count == lines.count)

        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Server(["--model", model, "--max-batch", "16"], in: directory)
        defer { server.killIfRunning() }
        #expect(try await server.score(lines) == expected)
        let single = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for (index, line) in lines.enumerated() {
                group.addTask { (index, try await server.score([line])) }
            }
            var found = [String](repeating: "", count: lines.count)
            for try await (index, probabilities) in group { found[index] = probabilities.first ?? "missing" }
            return found
        }
        #expect(single == expected)
        kill(server.run.process.processIdentifier, SIGTERM)
        #expect(server.run.waitForExit(timeout: 15) == 0)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalDrainsAndExitsZero(signal: Int32) async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Server(["--model", try TestModelFiles.trained.get().path], in: directory)
        defer { server.killIfRunning() }
        #expect(try await server.score(["great film"]).count == 1)
        kill(server.run.process.processIdentifier, signal)
        #expect(server.run.waitForExit(timeout: 15) == 0, "\(server.run.standardError)")
        #expect(server.run.standardError.contains("shutting down: /readyz answers 503"))
    }

    @Test func sighupReloadsTheFileAndRefusesABadOneWhileTheOldKeepsServing() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let served = directory.appendingPathComponent("served.safetensors")
        try TestModelFiles.writeConstantModel(logit: -1, to: served)
        let server = try Server(["--model", served.path], in: directory)
        defer { server.killIfRunning() }
        let before = try await server.score(["good"])
        // Written elsewhere and renamed over it, as `train` writes a model.
        let next = directory.appendingPathComponent("next.safetensors")
        try TestModelFiles.writeConstantModel(logit: 2, to: next)
        #expect(rename(next.path, served.path) == 0)
        kill(server.run.process.processIdentifier, SIGHUP)
        #expect(server.run.waitForLine(timeout: 15) { $0.contains("model reloaded") && $0.contains("generation=2") })
        let after = try await server.score(["good"])
        #expect(after != before)
        #expect(abs((Double(after.first ?? "") ?? 0) - 1 / (1 + exp(-2))) < 1e-6)

        try Data("garbage".utf8).write(to: served)
        kill(server.run.process.processIdentifier, SIGHUP)
        #expect(server.run.waitForLine(timeout: 15) { $0.contains("warning") && $0.contains("reload refused") })
        #expect(server.run.standardError.contains("served.safetensors: not a usable model file"))
        #expect(try await server.score(["good"]) == after)
        kill(server.run.process.processIdentifier, SIGTERM)
        #expect(server.run.waitForExit(timeout: 15) == 0)
    }

    @Test func aMissingModelStopsTheRunNamingItAndBadFlagsAreUsageErrors() throws {
        try withTemporaryDirectory { directory in
            let missing = try SentimentBinary.run(
                ["serve", "--port", "0", "--model", directory.appendingPathComponent("gone.safetensors").path],
                in: directory, environment: environment())
            #expect(missing.status == 1)
            #expect(missing.standardError.contains("gone.safetensors: no such model file"))
            let bad = try SentimentBinary.run(
                ["serve", "--max-queue", "2", "--model", "x"], in: directory, environment: environment())
            #expect(bad.status == 64)
            #expect(bad.standardError.contains("--max-queue must be at least --max-texts"))
        }
    }
}
