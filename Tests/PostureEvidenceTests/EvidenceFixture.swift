import Foundation
import PostureCatalog
import PostureCore
import Testing

@testable import PostureEvidence

/// The Contoso snapshot in `Snapshots/contoso` as mutable JSON, so each test changes only what it
/// is about and assesses the result through the request-body path.
struct EvidenceFixture {
    static let directory = Bundle.module.url(forResource: "contoso", withExtension: nil, subdirectory: "Snapshots")!
    static let catalog = try! CatalogLoader.builtIn()

    var manifest: [String: Any]
    var resources: [String: Any]

    init() throws {
        let manifestData = try Data(contentsOf: Self.directory.appendingPathComponent("manifest.json"))
        manifest = try #require(JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        resources = [:]
        for resource in M365Resource.allCases {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent(resource.fileName))
            resources[resource.rawValue] = try JSONSerialization.jsonObject(with: data)
        }
    }

    /// The items of a collection resource.
    func items(_ resource: M365Resource) -> [[String: Any]] {
        (resources[resource.rawValue] as? [String: Any])?["value"] as? [[String: Any]] ?? []
    }

    mutating func setItems(_ resource: M365Resource, _ items: [[String: Any]]) {
        resources[resource.rawValue] = ["value": items]
    }

    /// Changes every item of a collection resource.
    mutating func each(_ resource: M365Resource, _ change: (inout [String: Any]) -> Void) {
        setItems(
            resource,
            items(resource).map { item in
                var copy = item
                change(&copy)
                return copy
            }
        )
    }

    /// Changes one item, found by id.
    mutating func item(_ resource: M365Resource, id: String, _ change: (inout [String: Any]) -> Void) {
        each(resource) { item in if item["id"] as? String == id { change(&item) } }
    }

    /// Changes one Exchange object, found by its `Name`.
    mutating func named(_ resource: M365Resource, _ name: String, _ change: (inout [String: Any]) -> Void) {
        each(resource) { item in if item["Name"] as? String == name { change(&item) } }
    }

    /// Changes one domain's DNS answer.
    mutating func item(_ resource: M365Resource, domain: String, _ change: (inout [String: Any]) -> Void) {
        each(resource) { item in if item["domain"] as? String == domain { change(&item) } }
    }

    /// Changes a single-object resource.
    mutating func object(_ resource: M365Resource, _ change: (inout [String: Any]) -> Void) {
        var object = resources[resource.rawValue] as? [String: Any] ?? [:]
        change(&object)
        resources[resource.rawValue] = object
    }

    func bundle() throws -> Data {
        try JSONSerialization.data(withJSONObject: ["manifest": manifest, "resources": resources])
    }

    func assess() throws -> M365Assessment {
        M365Assessment(snapshot: try M365Snapshot.decode(bundle: try bundle()), catalog: Self.catalog)
    }

    static func user(_ number: Int) -> String { "00000000-0000-0000-0000-00000000000\(number)" }
}
