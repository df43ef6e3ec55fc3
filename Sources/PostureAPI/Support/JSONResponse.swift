import Foundation
import PostureCore
import Vapor

/// JSON responses with `Content-Type: application/json` always set (Graph clients choose their
/// parser from it) and object keys in the order they were built.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponseStatus = .ok) -> Response {
        raw(value.jsonData, status: status)
    }

    static func encode(_ value: some Encodable, status: HTTPResponseStatus = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.iso8601)
        }
        return raw(try encoder.encode(value), status: status)
    }

    static func raw(_ data: Data, status: HTTPResponseStatus) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: data))
    }

    static func text(_ text: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        return Response(status: status, headers: headers, body: .init(string: text))
    }
}
