import Foundation

extension M365Snapshot {
    /// Builds the request body of `POST …/evidence/microsoft365` from the manifest and resource
    /// files as they are on disk, byte for byte, so the server decodes exactly what was collected.
    /// Each piece must already be one JSON value.
    public static func bundle(manifest: Data, resources: [(M365Resource, Data)]) -> Data {
        var body = Data(#"{"manifest":"#.utf8)
        body.append(manifest)
        body.append(contentsOf: Array(#","resources":{"#.utf8))
        for (index, (resource, bytes)) in resources.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: Array("\"\(resource.rawValue)\":".utf8))
            body.append(bytes)
        }
        body.append(contentsOf: Array("}}".utf8))
        return body
    }

    /// The bundle of a snapshot directory, leaving out resource files that failed to decode (they
    /// are reported locally; sending them would only repeat the problem).
    public static func bundle(directory: URL, leavingOut broken: Set<String>) throws -> Data {
        let manifest = try Data(contentsOf: directory.appendingPathComponent(manifestFile))
        var resources: [(M365Resource, Data)] = []
        for resource in M365Resource.allCases where !broken.contains(resource.fileName) {
            let url = directory.appendingPathComponent(resource.fileName)
            guard let bytes = FileManager.default.contents(atPath: url.path) else { continue }
            resources.append((resource, bytes))
        }
        return bundle(manifest: manifest, resources: resources)
    }
}
