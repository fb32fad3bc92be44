import Foundation
import SentimentKit

/// The body of /v1/score and /v1/explain: `{"texts": ["…", …]}` or `{"text": "…"}`, an optional
/// `threshold` in [0, 1] and, for /v1/explain, an optional `method`. Anything else is refused with an
/// `APIError` naming the problem (the field, the element, the byte).
struct TextsRequest: Equatable {
    var texts: [String]
    var threshold: Float?
    var method: ExplainMethod?

    /// Reads a request body. `allowsMethod` is true for /v1/explain.
    static func parse(_ body: [UInt8], allowsMethod: Bool) throws -> TextsRequest {
        if let offset = firstInvalidUTF8(in: body) {
            throw APIError.badRequest(
                "invalid_utf8", "the request body is not valid UTF-8 (first bad byte at offset \(offset))")
        }
        let decoder = JSONDecoder()
        decoder.userInfo[allowsMethodKey] = allowsMethod
        do {
            return try decoder.decode(TextsRequest.self, from: Data(body))
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw describe(error, body: body)
        } catch {
            throw APIError.badRequest("malformed_json", "the request body is not valid JSON: \(error)")
        }
    }

    /// Checks the Content-Type header: JSON, and UTF-8 if a charset is named (415 otherwise).
    static func checkContentType(_ value: String?) throws {
        let unsupported = APIError(
            status: .unsupportedMediaType, code: "unsupported_media_type",
            message: "the body must be JSON sent as Content-Type: application/json, got "
                + (value.map { "\"\($0)\"" } ?? "no Content-Type"))
        guard let value else { throw unsupported }
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { throw unsupported }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard charset == "utf-8" || charset == "utf8" else { throw unsupported }
        }
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// A decoding error as the client should read it: where, and what was expected.
    static func describe(_ error: DecodingError, body: [UInt8]) -> APIError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .badRequest(
                "malformed_json",
                "the request body is not valid JSON: \(syntaxError(in: body) ?? context.debugDescription)")
        case .dataCorrupted(let context):
            return .badRequest("wrong_type", "\(path(context.codingPath)): \(context.debugDescription)")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return .badRequest("wrong_type", "the request body must be a JSON object")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return .badRequest("wrong_type", "\(path(context.codingPath)): \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            return .badRequest(
                "missing_field", "missing field \(path(context.codingPath + [key]))")
        @unknown default:
            return .badRequest("malformed_json", "\(error)")
        }
    }

    /// What is wrong with JSON that does not parse, and where. `JSONDecoder` only says that it does not;
    /// `JSONSerialization`, asked again on this (failing, so rare) path, names the character. nil when
    /// it parses the body.
    static func syntaxError(in body: [UInt8]) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        }
    }

    /// `texts[3]` for the path texts → 3.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "the request body" : text
    }

    fileprivate static let allowsMethodKey = CodingUserInfoKey(rawValue: "allowsMethod")!
}

extension TextsRequest: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static let text = Key(stringValue: "text")
        static let texts = Key(stringValue: "texts")
        static let threshold = Key(stringValue: "threshold")
        static let method = Key(stringValue: "method")
    }

    init(from decoder: any Decoder) throws {
        let allowsMethod = decoder.userInfo[Self.allowsMethodKey] as? Bool ?? false
        let container = try decoder.container(keyedBy: Key.self)
        let known = ["text", "texts", "threshold"] + (allowsMethod ? ["method"] : [])
        if let unknown = container.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw APIError.badRequest(
                "unknown_field",
                "unknown field \"\(unknown.stringValue)\" (the fields are \(known.joined(separator: ", ")))")
        }
        switch (container.contains(.texts), container.contains(.text)) {
        case (true, true):
            throw APIError.badRequest("conflicting_fields", "give either \"texts\" or \"text\", not both")
        case (false, false):
            throw APIError.badRequest(
                "missing_field", "missing field texts (an array of strings) or text (a string)")
        case (true, false):
            texts = try container.decode([String].self, forKey: .texts)
        case (false, true):
            texts = [try container.decode(String.self, forKey: .text)]
        }
        // Optional fields may be absent, not null. The threshold is read as a double: any JSON number then
        // decodes (a Float refuses 1e-313), and only the range decides.
        if container.contains(.threshold) {
            let value = try container.decode(Double.self, forKey: .threshold)
            guard value >= 0 && value <= 1 else {
                throw APIError.badRequest("invalid_threshold", "threshold must lie in [0, 1], got \(value)")
            }
            threshold = Float(value)
        } else {
            threshold = nil
        }
        if container.contains(.method) {
            let name = try container.decode(String.self, forKey: .method)
            guard let method = ExplainMethod(rawValue: name) else {
                throw APIError.badRequest(
                    "invalid_method",
                    "method must be one of \(ExplainMethod.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(name)\"")
            }
            self.method = method
        } else {
            method = nil
        }
    }
}
