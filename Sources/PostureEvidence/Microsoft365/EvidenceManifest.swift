import Foundation
import PostureCore

/// `manifest.json` of an evidence snapshot: whose tenant, when, by what, and what could not be
/// collected.
public struct EvidenceManifest: Sendable, Equatable {
    public static let format = "posture.microsoft365.evidence"

    public var tenantID: String
    public var collectedAt: Date
    public var collectorVersion: String
    /// Resources the collector tried and could not get, with Graph's reason.
    public var failures: [M365Resource: String]

    public init(tenantID: String, collectedAt: Date, collectorVersion: String, failures: [M365Resource: String] = [:]) {
        self.tenantID = tenantID
        self.collectedAt = collectedAt
        self.collectorVersion = collectorVersion
        self.failures = failures
    }

    /// The manifest as written to disk, with every collected resource's item count.
    public func json(itemCounts: [M365Resource: Int]) -> JSONValue {
        var resources: [(String, JSONValue)] = []
        for resource in M365Resource.allCases {
            if let count = itemCounts[resource] {
                resources.append((resource.rawValue, .object(JSONObject([("items", .int(count))]))))
            } else if let failure = failures[resource] {
                resources.append((resource.rawValue, .object(JSONObject([("error", .string(failure))]))))
            }
        }
        return .object(
            JSONObject([
                ("format", .string(Self.format)),
                ("formatVersion", .int(1)),
                ("tenantId", .string(tenantID)),
                ("collectedAt", .string(collectedAt.iso8601)),
                ("collectorVersion", .string(collectorVersion)),
                ("resources", .object(JSONObject(resources))),
            ])
        )
    }
}

extension EvidenceManifest: Decodable {
    private enum Keys: String, CodingKey {
        case format, formatVersion, tenantId, collectedAt, collectorVersion, resources
    }
    private struct ResourceEntry: Decodable {
        var error: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if let format = try container.decodeIfPresent(String.self, forKey: .format), format != Self.format {
            throw DecodingError.dataCorruptedError(
                forKey: .format,
                in: container,
                debugDescription: "expected \"\(Self.format)\", found \"\(format)\""
            )
        }
        tenantID = try container.decode(String.self, forKey: .tenantId)
        let collected = try container.decode(String.self, forKey: .collectedAt)
        guard let date = Date(iso8601: collected) else {
            throw DecodingError.dataCorruptedError(
                forKey: .collectedAt,
                in: container,
                debugDescription: "expected a time like 2026-11-29T10:00:00Z, found \"\(collected)\""
            )
        }
        collectedAt = date
        collectorVersion = try container.decodeIfPresent(String.self, forKey: .collectorVersion) ?? "unknown"
        let entries = try container.decodeIfPresent([String: ResourceEntry].self, forKey: .resources) ?? [:]
        failures = [:]
        for (name, entry) in entries {
            if let resource = M365Resource(rawValue: name), let error = entry.error { failures[resource] = error }
        }
    }
}
