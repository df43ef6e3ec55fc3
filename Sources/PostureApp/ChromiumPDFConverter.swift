import Foundation
import NIOConcurrencyHelpers
import PostureServices

/// PDFs from a headless Chromium (`chromium-headless-shell`, or `chromium` itself): the page is
/// written to a private temporary folder with its stylesheet inside, printed with
/// `--print-to-pdf` under a throwaway profile, and the folder removed. A print that takes longer
/// than `timeout` is stopped; at most `maximumAtOnce` run at once and further requests are told to
/// come back, so PDFs cannot take the whole machine.
public final class ChromiumPDFConverter: PDFConverting {
    /// The engine's executable; nil when none was found or it was switched off.
    public let engine: String?
    let timeout: TimeInterval
    let maximumAtOnce: Int
    private let running = NIOLockedValueBox(0)

    /// By default half the machine's cores (at least one) print at once.
    public init(
        engine: String?,
        timeout: TimeInterval = 30,
        maximumAtOnce: Int = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    ) {
        self.engine = engine
        self.timeout = timeout
        self.maximumAtOnce = maximumAtOnce
    }

    /// Engines looked for on `PATH`, best first: the headless shell starts fastest.
    static let candidates = [
        "chromium-headless-shell", "chromium", "chromium-browser", "google-chrome-stable", "google-chrome",
    ]

    /// The first engine on `PATH` (or in Debian's `/usr/lib/chromium`), or nil.
    public static func locate(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let directories = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/lib/chromium"]
        for name in candidates {
            for directory in directories {
                let file = (directory as NSString).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: file) { return file }
            }
        }
        return nil
    }

    public func pdf(fromHTML html: String) async throws(PDFError) -> Data {
        guard let engine else {
            throw .unavailable(
                "no PDF engine on this server: install chromium-headless-shell (or chromium), or name one in POSTURE_PDF_ENGINE"
            )
        }
        let admitted = running.withLockedValue { count in
            guard count < maximumAtOnce else { return false }
            count += 1
            return true
        }
        guard admitted else { throw .busy }
        defer { running.withLockedValue { $0 -= 1 } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("posture-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        let output = folder.appendingPathComponent("report.pdf")
        do {
            try FileManager.default.createDirectory(
                at: folder,
                withIntermediateDirectories: false,
                attributes: [.posixPermissions: 0o700]
            )
            try Data(html.utf8).write(to: page)
        } catch {
            throw .failed("its temporary folder could not be written")
        }
        let status = try await run(
            engine,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
                "--print-to-pdf=\(output.path)", page.absoluteString,
            ]
        )
        guard let data = try? Data(contentsOf: output), data.starts(with: Data("%PDF-".utf8)) else {
            throw .failed("\((engine as NSString).lastPathComponent) ended with status \(status) and wrote no PDF")
        }
        return data
    }

    /// Runs the engine and waits for it without holding a thread, stopping it after `timeout`.
    func run(_ engine: String, _ arguments: [String]) async throws(PDFError) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: engine)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = NIOLockedValueBox(false)
        let timedOut = NIOLockedValueBox(false)
        let status: Int32
        do {
            status = try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Int32, any Error>) in
                process.terminationHandler = { ended in
                    finished.withLockedValue { $0 = true }
                    continuation.resume(returning: ended.terminationStatus)
                }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                    return
                }
                let timeout = self.timeout
                Task {
                    try? await Task.sleep(for: .seconds(timeout))
                    guard !finished.withLockedValue({ $0 }) else { return }
                    timedOut.withLockedValue { $0 = true }
                    process.terminate()
                    try? await Task.sleep(for: .seconds(2))
                    if !finished.withLockedValue({ $0 }) { kill(process.processIdentifier, SIGKILL) }
                }
            }
        } catch {
            throw .unavailable("the PDF engine \(engine) could not be started")
        }
        if timedOut.withLockedValue({ $0 }) {
            throw .failed("it took longer than \(Int(timeout)) s and was stopped")
        }
        return status
    }
}
