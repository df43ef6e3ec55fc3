import ArgumentParser
import Foundation
import PostureCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `posture push`: sends a measurements file to a running server over its native API, as a sensor
/// would, with an API client's token.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Send a measurements file to a Posture server (as a sensor does).",
        discussion: """
            The file has the format of `posture assess` (or just {"measurements": [...]}) and is checked \
            in full first: nothing is sent when any entry is invalid. Authenticate with a token \
            (--token or POSTURE_TOKEN) or with an API client's credentials (--client-id and --client-secret \
            or POSTURE_CLIENT_SECRET), which get a token from the server's /oauth2/v2.0/token.

            With --evidence microsoft365, FILE is an evidence snapshot directory: the server assesses \
            it with the same assessors as `posture assess --evidence` and records the measurements.
            """
    )

    @Argument(
        help: ArgumentHelp("Measurements file (JSON), or a snapshot directory with --evidence.", valueName: "file")
    ) var file: String
    @Option(help: ArgumentHelp("Send FILE as an evidence snapshot of this kind.", valueName: "kind"))
    var evidence: EvidenceKind?
    @Option(help: ArgumentHelp("The server, e.g. https://posture.example.com.", valueName: "url")) var url: String
    @Option(help: ArgumentHelp("Organization to push to.", valueName: "org")) var org: String
    @Option(help: ArgumentHelp("Bearer token (also POSTURE_TOKEN).", valueName: "token")) var token: String?
    @Option(help: ArgumentHelp("API client id, for the client-credentials grant.", valueName: "id")) var clientID:
        String?
    @Option(help: ArgumentHelp("API client secret (better: POSTURE_CLIENT_SECRET).", valueName: "secret"))
    var clientSecret: String?
    @OptionGroup var catalog: CatalogOptions

    static let batchSize = 5_000

    func validate() throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme),
            parsed.host != nil
        else { throw ValidationError("--url must be an http(s) URL such as https://posture.example.com") }
        let environment = ProcessInfo.processInfo.environment
        if token == nil, environment["POSTURE_TOKEN"] == nil, clientID == nil {
            throw ValidationError("give --token (or POSTURE_TOKEN), or --client-id with its secret")
        }
        if clientID != nil, clientSecret == nil, environment["POSTURE_CLIENT_SECRET"] == nil {
            throw ValidationError("--client-id needs --client-secret or POSTURE_CLIENT_SECRET")
        }
    }

    func run() async throws {
        if evidence != nil {
            try await pushEvidence()
            return
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            Console.error("\(file): cannot read the file (does it exist?)")
            throw ExitCode(1)
        }
        let measurements: [JSONValue]
        do {
            measurements = try Self.check(Array(data), file: file, catalog: try catalog.load())
        } catch let error as Diagnostic {
            Console.error(error.description + "\nnothing was sent")
            throw ExitCode(1)
        } catch let error as DiagnosticList {
            Console.error(error.description + "\n\(error.diagnostics.count) error(s); nothing was sent")
            throw ExitCode(1)
        }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let bearer = try await accessToken(base: base)
        var last: [String: Any] = [:]
        var ignored: [[String: Any]] = []
        for start in stride(from: 0, to: measurements.count, by: Self.batchSize) {
            let batch = Array(measurements[start..<min(measurements.count, start + Self.batchSize)])
            let body = JSONValue.object(JSONObject([("measurements", .array(batch))])).jsonData
            var request = URLRequest(
                url: URL(string: "\(base)/api/v1/organizations/\(Self.segment(org))/measurements")!
            )
            request.httpMethod = "PUT"
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
            last = try await Self.send(request, what: "pushing measurements")
            ignored += last["ignored"] as? [[String: Any]] ?? []
            Console.progress(
                "pushed \(min(start + batch.count, measurements.count))/\(measurements.count) measurements"
            )
        }
        let score = (last["currentScore"] as? Double).map(ScoreFormat.points) ?? "?"
        let max = (last["maxScore"] as? Double).map(ScoreFormat.points) ?? "?"
        let percentage = (last["percentage"] as? Double).map(ScoreFormat.percentage) ?? "?"
        Console.write("\(org): \(score) / \(max) points (\(percentage)) after \(measurements.count) measurement(s)")
        Self.reportIgnored(ignored)
    }

    /// Measurements the server left out as older than what it holds (newest observation wins).
    static func reportIgnored(_ ignored: [[String: Any]]) {
        for item in ignored {
            Console.error(
                "\(item["actionId"] as? String ?? "?"): observed \(item["observedAt"] as? String ?? "?"), older than the stored measurement of \(item["storedObservedAt"] as? String ?? "?"); ignored"
            )
        }
    }

    /// The file's measurements, checked against the catalog with file, line and field for every
    /// problem, as plain JSON to send on.
    static func check(_ bytes: [UInt8], file: String, catalog: Catalog) throws -> [JSONValue] {
        let root = try JSONSourceParser.parse(bytes, file: file)
        var top = NodeReader(file: file, entry: nil, node: root)
        top.rejectUnknownKeys(["organization", "measurements", "statuses"])
        let nodes = top.array("measurements", nonEmpty: true) ?? []
        let (_, problems) = AssessmentDecoder.decodeMeasurements(nodes, file: file, catalog: catalog)
        let diagnostics = top.collected + problems
        guard diagnostics.isEmpty else { throw DiagnosticList(diagnostics) }
        return nodes.map(JSONValue.init)
    }

    func accessToken(base: String) async throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let token = token ?? environment["POSTURE_TOKEN"], clientID == nil { return token }
        var request = URLRequest(url: URL(string: "\(base)/oauth2/v2.0/token")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let secret = clientSecret ?? environment["POSTURE_CLIENT_SECRET"] ?? ""
        let form = [
            ("grant_type", "client_credentials"), ("client_id", clientID ?? ""), ("client_secret", secret),
            ("scope", "SecurityEvents.ReadWrite.All"),
        ]
        request.httpBody = Data(form.map { "\($0.0)=\(Self.segment($0.1))" }.joined(separator: "&").utf8)
        let answer = try await Self.send(request, what: "getting a token")
        guard let token = answer["access_token"] as? String else {
            Console.error("the token endpoint answered without an access_token")
            throw ExitCode(1)
        }
        return token
    }

    /// Sends a request and returns its JSON object; any failure ends the command with the server's
    /// own error message (Graph's `error.message` or OAuth's `error_description`).
    static func send(_ request: URLRequest, what: String) async throws -> [String: Any] {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            Console.error(
                "\(what) failed: cannot reach \(request.url?.host ?? "the server") (\(error.localizedDescription))"
            )
            throw ExitCode(1)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            let graph = (object["error"] as? [String: Any])?["message"] as? String
            let oauth = object["error_description"] as? String
            Console.error(
                "\(what) failed: HTTP \(status): \(graph ?? oauth ?? String(decoding: data.prefix(300), as: UTF8.self))"
            )
            throw ExitCode(1)
        }
        return object
    }

    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}
