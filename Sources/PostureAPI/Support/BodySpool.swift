import Foundation
import Vapor

#if canImport(Glibc)
import Glibc
#endif

/// A large request body written to an owner-only temporary file as it arrives, so the node holds
/// a few megabytes of it at a time, never the whole body; the limit counts the bytes that really
/// arrive, whatever `Content-Length` said. The finished body is read back memory-mapped (pages of
/// the file, not heap) and the file is unlinked at once.
struct BodySpool {
    /// Thrown when more than the limit arrives.
    struct TooLarge: Error {}

    /// Bytes gathered before each write to the file.
    static let chunk = 4 << 20

    /// Streams `request`'s body to a spool file in `directory` and returns it mapped, or nil for
    /// an empty body.
    static func receive(_ request: Request, limit: Int, in directory: URL) async throws -> Data? {
        let url = directory.appendingPathComponent("posture-upload-\(UUID().uuidString)")
        let descriptor = open(url.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw APIError(.internalServerError, code: "generalException", message: "no room to receive the upload")
        }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { unlink(url.path) }
        var received = 0
        var pending = ByteBuffer()
        let pool = request.application.threadPool
        for try await part in request.body {
            received += part.readableBytes
            guard received <= limit else { throw TooLarge() }
            var part = part
            pending.writeBuffer(&part)
            if pending.readableBytes >= chunk {
                let bytes = Data(pending.readableBytesView)
                pending.clear()
                try await pool.runIfActive { try file.write(contentsOf: bytes) }
            }
        }
        let rest = Data(pending.readableBytesView)
        try await pool.runIfActive {
            try file.write(contentsOf: rest)
            try file.close()
        }
        guard received > 0 else { return nil }
        return try await pool.runIfActive { try Data(contentsOf: url, options: .alwaysMapped) }
    }
}
