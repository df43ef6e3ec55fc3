import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureTestSupport
import Testing

/// Reports as PDF through a real headless Chromium, checked with poppler's `pdfinfo` and
/// `pdftotext` (scripts/test installs both): the paper size, the page count, the headline and the
/// top actions in the text layer. Without an engine, busy, failing or hanging, the converter
/// refuses at once or in bounded time.
@Suite struct ChromiumPDFConverterTests {
    static func tool(_ name: String, _ arguments: [String]) throws -> String {
        let path = "/usr/bin/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ToolMissing(message: "\(name) is missing: install poppler-utils (scripts/test does as root)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    struct ToolMissing: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    @Test func aOneYearReportPrintsOnA4AndLetterWithItsNumbersInTheText() async throws {
        let engine = try #require(ChromiumPDFConverter.locate(), "no chromium: scripts/test installs it as root")
        try await TestDatabase.sqlite.withRuntime { runtime in
            let today = CivilDay(TestDatabase.clock.now())
            try await runtime.service.seedDemo(endDay: today, days: 365)
            let report = try await runtime.service.organizationReport(
                "contoso",
                period: DayInterval(from: today.adding(days: -364), to: today)
            )
            let converter = ChromiumPDFConverter(engine: engine)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("posture-pdf-test-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for (paper, size) in [("a4", "(A4)"), ("letter", "(letter)")] {
                let pdf = try await converter.pdf(fromHTML: runtime.reportHTML(report, paper: paper))
                let file = folder.appendingPathComponent("\(paper).pdf")
                try pdf.write(to: file)
                let info = try Self.tool("pdfinfo", [file.path])
                #expect(info.contains(size), "\(paper): \(info)")
                let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
                    .flatMap { Int($0.split(separator: " ").last ?? "") }
                #expect((2...12).contains(pages ?? 0), "\(paper): \(pages ?? 0) pages")
                let text = try Self.tool("pdftotext", ["-layout", file.path, "-"])
                #expect(text.contains(ScoreFormat.percentage(report.score.percentage)))
                for action in report.topActions.prefix(5) {
                    #expect(text.contains(String(action.title.prefix(30))), "\(action.title)")
                }
                #expect(text.contains("Page 1 of \(pages ?? 0)"), "page numbers in the margin")
            }
        }
    }

    @Test func withoutAnEngineBusyFailingOrHangingItRefusesInBoundedTime() async throws {
        await #expect(throws: PDFError.self) {
            _ = try await ChromiumPDFConverter(engine: nil).pdf(fromHTML: "<p>x</p>")
        }
        do {
            _ = try await ChromiumPDFConverter(engine: "/bin/true", maximumAtOnce: 0).pdf(fromHTML: "<p>x</p>")
            Issue.record("a full converter made a PDF")
        } catch {
            #expect(error == .busy)
        }
        do {
            _ = try await ChromiumPDFConverter(engine: "/bin/false").pdf(fromHTML: "<p>x</p>")
            Issue.record("an engine that wrote nothing made a PDF")
        } catch {
            #expect(error.description.contains("wrote no PDF"))
        }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("posture-hang-\(UUID()).sh")
        try "#!/bin/sh\nexec sleep 30\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        defer { try? FileManager.default.removeItem(at: script) }
        let started = Date()
        do {
            _ = try await ChromiumPDFConverter(engine: script.path, timeout: 1).pdf(fromHTML: "<p>x</p>")
            Issue.record("a hanging engine made a PDF")
        } catch {
            #expect(error.description.contains("took longer than 1 s"))
        }
        #expect(Date().timeIntervalSince(started) < 10, "stopped, not waited for")
    }
}
