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
                if paper == "a4" { try Self.compareFirstPage(file, folder: folder) }
            }
        }
    }

    /// The reviewed picture of the first page, at 20 dpi in grey (POSTURE_RECORD_GOLDEN=1 records it).
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Reference/report-a4-page1.pgm")

    /// The first page rendered at low resolution matches the reviewed one within a tolerance: a
    /// lost chart, a moved section or a broken stylesheet changes far more than fonts do.
    static func compareFirstPage(_ pdf: URL, folder: URL) throws {
        let stem = folder.appendingPathComponent("page1").path
        _ = try tool("pdftoppm", ["-r", "20", "-gray", "-f", "1", "-l", "1", "-singlefile", pdf.path, stem])
        let rendered = try Data(contentsOf: URL(fileURLWithPath: stem + ".pgm"))
        if ProcessInfo.processInfo.environment["POSTURE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: reference.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try rendered.write(to: reference)
            return
        }
        let expected = try #require(Self.grey(try Data(contentsOf: reference)), "the reference is a PGM")
        let actual = try #require(Self.grey(rendered), "pdftoppm wrote a PGM")
        #expect(actual.width == expected.width && actual.height == expected.height, "the page size changed")
        guard actual.pixels.count == expected.pixels.count else { return }
        let difference = zip(actual.pixels, expected.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        let mean = Double(difference) / Double(actual.pixels.count)
        // An identical page differs by 0; a page with its chart gone differs by several levels (the
        // whole page averages 7 levels from white).
        #expect(mean < 1.5, "the first page differs from the reviewed one by \(mean) grey levels per pixel")
        // The measure can fail: a blank page is far from the reviewed one.
        let blank = [UInt8](repeating: 255, count: expected.pixels.count)
        let blankMean =
            Double(zip(blank, expected.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) })
            / Double(blank.count)
        #expect(blankMean > 4, "a blank page differs by \(blankMean)")
    }

    /// A binary PGM (P5, 8 bits): its size and grey levels.
    static func grey(_ data: Data) -> (width: Int, height: Int, pixels: [UInt8])? {
        let bytes = [UInt8](data)
        var fields: [Int] = []
        var index = 2
        guard bytes.starts(with: Array("P5".utf8)) else { return nil }
        while fields.count < 3, index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
            var value = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            fields.append(value)
        }
        index += 1
        guard fields.count == 3, fields[2] == 255, bytes.count - index == fields[0] * fields[1] else { return nil }
        return (fields[0], fields[1], Array(bytes[index...]))
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
        // An engine that would print nothing for five minutes: returning long before that means it
        // was stopped (a generous bound, so a loaded machine does not fail the test).
        try "#!/bin/sh\nexec sleep 300\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        defer { try? FileManager.default.removeItem(at: script) }
        let started = Date()
        // A script just written can be "busy" for a moment while another thread of this process
        // forks (Linux's ETXTBSY): starting it is tried again then.
        for attempt in 1...5 {
            do {
                _ = try await ChromiumPDFConverter(engine: script.path, timeout: 1).pdf(fromHTML: "<p>x</p>")
                Issue.record("a hanging engine made a PDF")
            } catch {
                if error.description.contains("could not be started"), attempt < 5 { continue }
                #expect(error.description.contains("took longer than 1 s"))
            }
            break
        }
        #expect(Date().timeIntervalSince(started) < 120, "stopped, not waited for")
    }
}
