import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A local stand-in for the subset of ServiceNow's Table API Posture uses, on 127.0.0.1: create
/// (POST, 201), read by id and by `sysparm_query` (`field=value`, `fieldSTARTSWITHvalue`,
/// `ORDERBYDESC…`, joined by `^`), update (PATCH), Basic sign-in and the OAuth password grant at
/// `/oauth_token.do`. Answers use `sysparm_display_value=all`'s shape. Tests move tickets'
/// states with ``advance(_:state:display:active:)``.
public final class FakeServiceNow: Sendable {
    public struct Record: Sendable {
        public var table: String
        public var sysID: String
        public var number: String
        public var fields: [String: String]
        public var stateValue: String
        public var stateDisplay: String
        public var active: Bool
        public var updated: Int
    }

    public struct Seen: Sendable {
        public var method: String
        public var path: String
        public var authorization: String
    }

    public static let username = "posture.integration"
    public static let password = "sn-password-1"
    public static let clientID = "posture-client"
    public static let clientSecret = "sn-client-secret-1"

    let app: Application
    public let base: String
    public let records = NIOLockedValueBox<[Record]>([])
    public let seen = NIOLockedValueBox<[Seen]>([])
    let tokens = NIOLockedValueBox<Set<String>>([])
    let counter = NIOLockedValueBox(0)

    public init() async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        self.app = app
        let box = NIOLockedValueBox<FakeServiceNow?>(nil)
        app.post("oauth_token.do") { request in try box.withLockedValue { $0 }!.token(request) }
        app.post("api", "now", "table", ":table") { request in try box.withLockedValue { $0 }!.create(request) }
        app.get("api", "now", "table", ":table") { request in try box.withLockedValue { $0 }!.query(request) }
        app.get("api", "now", "table", ":table", ":id") { request in try box.withLockedValue { $0 }!.read(request) }
        app.patch("api", "now", "table", ":table", ":id") { request in try box.withLockedValue { $0 }!.update(request) }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
        box.withLockedValue { $0 = self }
    }

    public func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// Moves a ticket, as a person working it in ServiceNow would.
    public func advance(_ number: String, state: String, display: String, active: Bool) {
        records.withLockedValue { records in
            for index in records.indices where records[index].number == number {
                records[index].stateValue = state
                records[index].stateDisplay = display
                records[index].active = active
                records[index].updated = nextCount()
            }
        }
    }

    func nextCount() -> Int {
        counter.withLockedValue {
            $0 += 1
            return $0
        }
    }

    func authorized(_ request: Request) -> Bool {
        let header = request.headers.first(name: .authorization) ?? ""
        seen.withLockedValue {
            $0.append(Seen(method: request.method.rawValue, path: request.url.string, authorization: header))
        }
        if header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) })
        {
            return decoded == Self.username + ":" + Self.password
        }
        if header.hasPrefix("Bearer ") { return tokens.withLockedValue { $0.contains(String(header.dropFirst(7))) } }
        return false
    }

    static func failure(_ status: HTTPStatus, _ message: String) -> Response {
        let body = #"{"error":{"message":"\#(message)","detail":"\#(message)"},"status":"failure"}"#
        return Response(status: status, headers: ["content-type": "application/json"], body: .init(string: body))
    }

    func token(_ request: Request) throws -> Response {
        let form = (try? request.content.decode([String: String].self)) ?? [:]
        guard form["grant_type"] == "password", form["client_id"] == Self.clientID,
            form["client_secret"] == Self.clientSecret, form["username"] == Self.username,
            form["password"] == Self.password
        else {
            return Response(status: .unauthorized, body: .init(string: #"{"error":"access_denied"}"#))
        }
        let token = "tok-\(nextCount())"
        tokens.withLockedValue { _ = $0.insert(token) }
        return Response(
            status: .ok,
            headers: ["content-type": "application/json"],
            body: .init(
                string:
                    #"{"access_token":"\#(token)","refresh_token":"r","scope":"useraccount","token_type":"Bearer","expires_in":1799}"#
            )
        )
    }

    func create(_ request: Request) throws -> Response {
        guard authorized(request) else { return Self.failure(.unauthorized, "User Not Authenticated") }
        let table = request.parameters.get("table") ?? ""
        guard table == "incident" || table == "change_request" else {
            return Self.failure(.badRequest, "Invalid table")
        }
        let fields = (try? request.content.decode([String: String].self)) ?? [:]
        let count = nextCount()
        let number = (table == "incident" ? "INC" : "CHG") + String(format: "%07d", 10_000 + count)
        let initial = table == "incident" ? ("1", "New") : ("-5", "New")
        let record = Record(
            table: table,
            sysID: String(format: "%032x", count),
            number: number,
            fields: fields,
            stateValue: initial.0,
            stateDisplay: initial.1,
            active: true,
            updated: count
        )
        records.withLockedValue { $0.append(record) }
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: "application/json")
        headers.add(name: .location, value: "\(base)/api/now/table/\(table)/\(record.sysID)")
        return Response(status: .created, headers: headers, body: .init(string: #"{"result":\#(Self.json(record))}"#))
    }

    func read(_ request: Request) throws -> Response {
        guard authorized(request) else { return Self.failure(.unauthorized, "User Not Authenticated") }
        let id = request.parameters.get("id") ?? ""
        guard let record = records.withLockedValue({ $0.first { $0.sysID == id } }) else {
            return Self.failure(.notFound, "No Record found")
        }
        return Response(status: .ok, body: .init(string: #"{"result":\#(Self.json(record))}"#))
    }

    func query(_ request: Request) throws -> Response {
        guard authorized(request) else { return Self.failure(.unauthorized, "User Not Authenticated") }
        let table = request.parameters.get("table") ?? ""
        let query = (try? request.query.get(String.self, at: "sysparm_query")) ?? ""
        let limit = (try? request.query.get(Int.self, at: "sysparm_limit")) ?? 10_000
        var found = records.withLockedValue { $0.filter { $0.table == table } }
        var descending = false
        for condition in query.split(separator: "^").map(String.init) {
            if condition.hasPrefix("ORDERBYDESC") {
                descending = true
            } else if let range = condition.range(of: "STARTSWITH") {
                let (field, prefix) = (String(condition[..<range.lowerBound]), String(condition[range.upperBound...]))
                found = found.filter { Self.value($0, field).hasPrefix(prefix) }
            } else if let equals = condition.firstIndex(of: "=") {
                let (field, value) = (
                    String(condition[..<equals]), String(condition[condition.index(after: equals)...])
                )
                found = found.filter { Self.value($0, field) == value }
            }
        }
        found.sort { descending ? $0.updated > $1.updated : $0.updated < $1.updated }
        let body = found.prefix(limit).map(Self.json).joined(separator: ",")
        return Response(status: .ok, body: .init(string: #"{"result":[\#(body)]}"#))
    }

    func update(_ request: Request) throws -> Response {
        guard authorized(request) else { return Self.failure(.unauthorized, "User Not Authenticated") }
        let id = request.parameters.get("id") ?? ""
        let fields = (try? request.content.decode([String: String].self)) ?? [:]
        let updated = records.withLockedValue { records -> Record? in
            guard let index = records.firstIndex(where: { $0.sysID == id }) else { return nil }
            records[index].fields.merge(fields) { _, new in new }
            records[index].updated = nextCount()
            return records[index]
        }
        guard let updated else { return Self.failure(.notFound, "No Record found") }
        return Response(status: .ok, body: .init(string: #"{"result":\#(Self.json(updated))}"#))
    }

    static func value(_ record: Record, _ field: String) -> String {
        switch field {
        case "active": String(record.active)
        case "number": record.number
        case "state": record.stateValue
        default: record.fields[field] ?? ""
        }
    }

    static func json(_ record: Record) -> String {
        func pair(_ value: String, _ display: String) -> String {
            let encode = { (text: String) in
                String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
            }
            return #"{"value":\#(encode(value)),"display_value":\#(encode(display))}"#
        }
        return
            #"{"sys_id":\#(pair(record.sysID, record.sysID)),"number":\#(pair(record.number, record.number)),"state":\#(pair(record.stateValue, record.stateDisplay)),"active":\#(pair(String(record.active), String(record.active))),"correlation_id":\#(pair(record.fields["correlation_id"] ?? "", record.fields["correlation_id"] ?? "")),"sys_updated_on":\#(pair(String(record.updated), String(record.updated)))}"#
    }
}
