import Foundation
import PostureCore
import Vapor

/// JSON responses with `Content-Type: application/json` always set (Graph clients choose their
/// parser from it) and object keys in the order they were built.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponseStatus = .ok) -> Response {
        // Straight from the text into the body, rendered values copied once.
        let text = JSONTextParts(value)
        var buffer = ByteBufferAllocator().buffer(capacity: text.byteCount)
        for part in text.parts { buffer.writeString(part) }
        return json(.init(buffer: buffer), status: status)
    }

    /// Compact JSON with keys in the order the type declares them (``CompactJSONEncoder``).
    static func encode(_ value: some Encodable, status: HTTPResponseStatus = .ok) throws -> Response {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        buffer.writeBytes(try CompactJSONEncoder.encode(value))
        return json(.init(buffer: buffer), status: status)
    }

    /// JSON already rendered, written part after part.
    static func parts(_ json: JSONParts, status: HTTPResponseStatus = .ok) -> Response {
        var buffer = ByteBufferAllocator().buffer(capacity: json.count)
        for part in json.parts { buffer.writeBytes(part) }
        return Self.json(.init(buffer: buffer), status: status)
    }

    static func raw(_ data: Data, status: HTTPResponseStatus) -> Response {
        json(.init(data: data), status: status)
    }

    private static func json(_ body: Response.Body, status: HTTPResponseStatus) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: body)
    }

    static func text(_ text: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        return Response(status: status, headers: headers, body: .init(string: text))
    }
}
