import Foundation
import PostureCore

/// A secureScoreControlProfile-shaped schema and helpers shared by the OData tests.
enum ODataFixtures {
    static let schema: [String: ODataPropertyType] = [
        "id": .string,
        "title": .string,
        "controlCategory": .string,
        "service": .string,
        "tier": .string,
        "maxScore": .number,
        "currentScore": .number,
        "rank": .integer,
        "deprecated": .boolean,
        "createdDateTime": .dateTime,
        "lastModifiedDateTime": .dateTime,
        "threats": .collection,
        "controlStateUpdates": .collection,
        "vendorInformation": .object,
    ]

    /// `"$top=5&$skip=2"` → `[("$top", "5"), ("$skip", "2")]`, split at the first `=` of each part;
    /// values are taken as already decoded, as the web framework hands them over.
    static func parameters(_ query: String) -> [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        var result: [(name: String, value: String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: false) {
            if let equals = part.firstIndex(of: "=") {
                result.append((name: String(part[..<equals]), value: String(part[part.index(after: equals)...])))
            } else {
                result.append((name: String(part), value: ""))
            }
        }
        return result
    }

    static func query(_ text: String) -> Result<ODataQuery, ODataQueryError> {
        query(parameters: parameters(text))
    }

    static func query(parameters: [(name: String, value: String)]) -> Result<ODataQuery, ODataQueryError> {
        do throws(ODataQueryError) {
            let parsed = try ODataQuery.parse(parameters, schema: schema)
            return .success(parsed)
        } catch {
            return .failure(error)
        }
    }

    static func filter(_ text: String) -> Result<ODataFilter, ODataQueryError> {
        do throws(ODataQueryError) {
            let parsed = try ODataFilter.parse(text, schema: schema)
            return .success(parsed)
        } catch {
            return .failure(error)
        }
    }

    static func compare(_ property: String, _ op: ODataComparison, _ literal: ODataLiteral) -> ODataFilter {
        .compare(property: property, op: op, literal: literal)
    }

    static func date(_ text: String) -> Date {
        Date(iso8601: text)!
    }
}

extension Result {
    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
