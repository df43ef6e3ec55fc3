import ArgumentParser
import Foundation
import PostureCore
import PostureEvidence

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension PushCommand {
    /// Sends a snapshot directory to `POST …/evidence/microsoft365`. The directory is read and
    /// checked first; broken resource files are reported here and left out.
    func pushEvidence() async throws {
        let directory = URL(fileURLWithPath: file, isDirectory: true)
        let snapshot: M365Snapshot
        do {
            snapshot = try M365Snapshot.load(directory: directory)
        } catch {
            Console.error(error.description + "\nnothing was sent")
            throw ExitCode(1)
        }
        for problem in snapshot.problems { Console.error(problem.description + " (left out)") }
        let broken = Set(snapshot.problems.map { URL(fileURLWithPath: $0.file).lastPathComponent })
        let body = try M365Snapshot.bundle(directory: directory, leavingOut: broken)
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let answer = try await Self.sendEvidence(body, base: base, org: org, bearer: try await accessToken(base: base))
        Console.write(Self.summary(answer, org: org))
        Self.reportIgnored(answer["ignored"] as? [[String: Any]] ?? [])
    }

    static func sendEvidence(_ body: Data, base: String, org: String, bearer: String) async throws -> [String: Any] {
        var request = URLRequest(
            url: URL(string: "\(base)/api/v1/organizations/\(segment(org))/evidence/microsoft365")!
        )
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = 600
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
        return try await send(request, what: "pushing evidence")
    }

    /// `acme: 93.73 / 632 points (14.83%) after 31 measurements from evidence collected at …`.
    static func summary(_ answer: [String: Any], org: String) -> String {
        let score = (answer["currentScore"] as? Double).map(ScoreFormat.points) ?? "?"
        let max = (answer["maxScore"] as? Double).map(ScoreFormat.points) ?? "?"
        let percentage = (answer["percentage"] as? Double).map(ScoreFormat.percentage) ?? "?"
        let measured = answer["measured"] as? Int ?? 0
        let findings = answer["findings"] as? [[String: Any]] ?? []
        let noData = findings.filter { $0["outcome"] as? String == "noData" }.count
        var text =
            "\(org): \(score) / \(max) points (\(percentage)) after \(measured) measurement(s) "
            + "from evidence collected at \(answer["collectedAt"] as? String ?? "?")"
        if noData > 0 { text += "; \(noData) action(s) had no data" }
        return text
    }
}
