import Foundation
import PostureCore
import Vapor

extension Request {
    /// The body as a position-aware JSON tree, so validation errors can name line and field.
    func jsonBody() throws -> SourceNode {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw APIError.badRequest("the request needs a JSON body")
        }
        if let type = headers.contentType, !(type.type == "application" && type.subType.hasSuffix("json")) {
            throw APIError(
                .unsupportedMediaType,
                code: "unsupportedMediaType",
                message: "send the body as application/json"
            )
        }
        do {
            return try JSONSourceParser.parse(Array(buffer.readableBytesView), file: "body")
        } catch {
            throw APIError.badRequest(error.apiMessage)
        }
    }

    /// Query parameters in order, names and values percent-decoded (`+` as a space), so `%24top`
    /// and `$top` are the same option.
    var queryParameters: [(name: String, value: String)] {
        // Read by the cache, the scope check and the handler: decoded once per request.
        if let parsed = storage[QueryParametersKey.self] { return parsed }
        let parsed = Self.parseQuery(url.query)
        storage[QueryParametersKey.self] = parsed
        return parsed
    }

    private static func parseQuery(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                // Most names and values need no decoding; Foundation's is costly per call.
                if !text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) {
                    return String(text)
                }
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    func queryValue(_ name: String) -> String? {
        queryParameters.last { $0.name == name }?.value
    }
}

private struct QueryParametersKey: StorageKey {
    typealias Value = [(name: String, value: String)]
}
