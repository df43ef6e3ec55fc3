import Foundation

/// The database holds every organization's posture, notes and audit trail: only the account that
/// runs Posture may read it, whatever the umask says.
public enum OwnerOnlyFiles {
    static let directoryPermissions = 0o700
    static let filePermissions = 0o600

    /// Creates the database's folder (0700) and file (0600) before SQLite opens it, and tightens
    /// both when an older release left them readable. SQLite gives its `-wal` and `-shm` files the
    /// database file's permissions.
    public static func prepareDatabase(at path: String) throws {
        let fileManager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            if !fileManager.fileExists(atPath: directory) {
                try fileManager.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: directoryPermissions]
                )
            }
            try restrict(directory, to: directoryPermissions)
        }
        if !fileManager.fileExists(atPath: path) {
            guard fileManager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: filePermissions])
            else { throw StartupError("cannot create the database file \(path)") }
        }
        for file in [path, path + "-wal", path + "-shm"] where fileManager.fileExists(atPath: file) {
            try restrict(file, to: filePermissions)
        }
    }

    /// Writes a new key file (0600) in `directory` (created 0700 if need be): the audit and
    /// connection keys.
    static func writeKey(_ text: String, to path: String, in directory: String) throws {
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: directoryPermissions]
        )
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data(text.utf8),
                attributes: [.posixPermissions: filePermissions]
            )
        else { throw StartupError("cannot write \(path)") }
    }

    /// Removes group and other permission bits; never widens.
    static func restrict(_ path: String, to permissions: Int) throws {
        let current = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        guard current & ~permissions != 0 else { return }
        try FileManager.default.setAttributes([.posixPermissions: current & permissions], ofItemAtPath: path)
    }
}
