import Foundation

/// Reads what a received e-mail carries: its base64 attachments by content type, and a PDF's
/// text layer and page count through poppler's `pdftotext` and `pdfinfo` (scripts/test installs
/// poppler-utils).
public enum MailAttachments {
    public struct Attachment: Sendable {
        public var contentType: String
        public var filename: String
        public var data: Data
    }

    /// Every part of `raw` (a MIME message as received) with a file name.
    public static func attachments(in raw: String) -> [Attachment] {
        let lines = raw.components(separatedBy: "\r\n")
        var found: [Attachment] = []
        var index = 0
        while index < lines.count {
            guard lines[index].lowercased().hasPrefix("content-type:"), lines[index].contains("name=\"") else {
                index += 1
                continue
            }
            let header = lines[index]
            let type = String(header.dropFirst("content-type:".count).split(separator: ";")[0])
                .trimmingCharacters(in: .whitespaces)
            let name = header.components(separatedBy: "name=\"").last?.components(separatedBy: "\"").first ?? ""
            // The part's headers end at the first empty line; its base64 body at the next one.
            while index < lines.count, !lines[index].isEmpty { index += 1 }
            index += 1
            var body = ""
            while index < lines.count, !lines[index].isEmpty, !lines[index].hasPrefix("--") {
                body += lines[index]
                index += 1
            }
            if let data = Data(base64Encoded: body) {
                found.append(Attachment(contentType: type, filename: name, data: data))
            }
        }
        return found
    }

    public struct ToolFailed: Error, CustomStringConvertible {
        public var description: String
    }

    /// A PDF's text (`pdftotext -layout`) and page count (`pdfinfo`).
    public static func pdf(_ data: Data) throws -> (text: String, pages: Int) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-mail-\(UUID().uuidString).pdf"
        )
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let text = try tool("pdftotext", ["-layout", file.path, "-"])
        let info = try tool("pdfinfo", [file.path])
        let pages =
            info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return (text, pages)
    }

    static func tool(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + name)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw ToolFailed(description: "\(name) did not start: install poppler-utils") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailed(description: "\(name) ended with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
