import Foundation
import PostureApp
import Testing

/// The database folder and file are the owner's alone, on a new install and after an upgrade
/// from a release that left them world-readable.
@Suite struct OwnerOnlyFilesTests {
    func permissions(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aNewDatabaseIsCreatedForTheOwnerOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("owner-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/data/posture.sqlite"
        try OwnerOnlyFiles.prepareDatabase(at: path)
        #expect(try permissions(root + "/data") == 0o700)
        #expect(try permissions(path) == 0o600)
    }

    @Test func aWorldReadableDatabaseIsTightened() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("owner-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(
            atPath: root,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755]
        )
        let path = root + "/posture.sqlite"
        for file in [path, path + "-wal"] {
            #expect(
                FileManager.default.createFile(
                    atPath: file,
                    contents: Data("x".utf8),
                    attributes: [.posixPermissions: 0o644]
                )
            )
        }
        try OwnerOnlyFiles.prepareDatabase(at: path)
        #expect(try permissions(root) == 0o700)
        #expect(try permissions(path) == 0o600)
        #expect(try permissions(path + "-wal") == 0o600)
        #expect(FileManager.default.contents(atPath: path) == Data("x".utf8), "the data is untouched")
    }
}
