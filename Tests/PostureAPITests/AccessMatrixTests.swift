import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// Every role, with each scope, against every write route: the exact allow or deny of DESIGN.md.
@Suite struct AccessMatrixTests {
    enum Kind: String, CaseIterable {
        case create, update, delete, changeState, rewriteHistory
    }

    struct WriteRoute: CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var body: String?
        var kind: Kind
        /// For `$batch`: the status of the one sub-request, not of the envelope.
        var batched = false
        var description: String { "\(method.rawValue) \(path)" }
    }

    static let organization = "fabrikam"
    static let doomed = "doomed"

    static let routes: [WriteRoute] = [
        .init(
            method: .POST,
            path: "/api/v1/organizations",
            body: #"{"id": "NEW", "displayName": "New"}"#,
            kind: .create
        ),
        .init(
            method: .PATCH,
            path: "/api/v1/organizations/fabrikam",
            body: #"{"displayName": "Fabrikam"}"#,
            kind: .update
        ),
        .init(method: .DELETE, path: "/api/v1/organizations/doomed", body: nil, kind: .delete),
        .init(
            method: .PUT,
            path: "/api/v1/organizations/fabrikam/actions/PIMEnabled/status",
            body: #"{"status": "planned", "note": "matrix"}"#,
            kind: .changeState
        ),
        .init(
            method: .PUT,
            path: "/api/v1/organizations/fabrikam/actions/PIMEnabled/tags/matrix",
            body: nil,
            kind: .changeState
        ),
        .init(
            method: .DELETE,
            path: "/api/v1/organizations/fabrikam/actions/PIMEnabled/tags/matrix",
            body: nil,
            kind: .changeState
        ),
        .init(
            method: .PUT,
            path: "/api/v1/organizations/fabrikam/measurements",
            body: #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 3, "total": 4}]}"#,
            kind: .changeState
        ),
        .init(
            method: .POST,
            path: "/api/v1/organizations/fabrikam/evidence/microsoft365",
            body: #"{"manifest": {"tenantId": "t", "collectedAt": "2026-11-20T08:00:00Z"}, "resources": "#
                + #"{"authorizationPolicy": {"allowInvitesFrom": "none"}}}"#,
            kind: .changeState
        ),
        .init(
            method: .PATCH,
            path: "/v1.0/security/secureScoreControlProfiles/PIMEnabled?organization=fabrikam",
            body: #"{"state": "Reviewed", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}"#,
            kind: .changeState
        ),
        .init(
            method: .PATCH,
            path: "/beta/security/secureScoreControlProfiles/PIMEnabled?organization=fabrikam",
            body: #"{"state": "Default", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}"#,
            kind: .changeState
        ),
        .init(
            method: .PUT,
            path: "/api/v1/organizations/fabrikam/zones",
            body:
                #"{"zones": [{"zone": "bad", "from": 0, "to": 45}, {"zone": "okay", "from": 45, "to": 75}, {"zone": "good", "from": 75, "to": 100}]}"#,
            kind: .changeState
        ),
        .init(method: .DELETE, path: "/api/v1/organizations/fabrikam/zones", body: nil, kind: .changeState),
        .init(
            method: .PUT,
            path: "/api/v1/organizations/fabrikam/comparison",
            body: #"{"industry": "Retail"}"#,
            kind: .changeState
        ),
        .init(method: .DELETE, path: "/api/v1/organizations/fabrikam/comparison", body: nil, kind: .changeState),
        .init(
            method: .PUT,
            path: "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/breakglass",
            body: #"{"reason": "emergency access"}"#,
            kind: .changeState
        ),
        .init(
            method: .DELETE,
            path: "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/breakglass",
            body: nil,
            kind: .changeState
        ),
        .init(
            method: .POST,
            path: "/api/v1/organizations/fabrikam/history/recompute",
            body: #"{"from": "2026-01-01", "apply": true}"#,
            kind: .rewriteHistory
        ),
        .init(
            method: .POST,
            path: "/v1.0/$batch",
            body: """
                {"requests": [{"id": "1", "method": "PATCH",
                  "url": "/security/secureScoreControlProfiles/PIMEnabled?organization=fabrikam",
                  "headers": {"Content-Type": "application/json"},
                  "body": {"state": "Ignored", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}}]}
                """,
            kind: .changeState,
            batched: true
        ),
    ]

    /// The rule, spelled out independently of `AccessPolicy`: read-write roles change state and
    /// settings, only Global administrators delete, only instance administrators create, and the
    /// read scope never writes.
    static func allowed(_ kind: Kind, role: Role?, scope: APIScope) -> Bool {
        guard scope == .readWrite else { return false }
        let readWrite: Set<Role> = [
            .globalAdministrator, .securityAdministrator, .exchangeAdministrator, .sharePointAdministrator,
            .accountAdministrator,
        ]
        switch kind {
        case .create: return role == nil
        case .delete, .rewriteHistory: return role == nil || role == .globalAdministrator
        case .update, .changeState: return role.map(readWrite.contains) ?? true
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyRoleAndScopeAgainstEveryWriteRoute(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            var counter = 0
            var allowedWrites = 0
            let auditedBefore = try await harness.runtime.service.store.auditEntries(
                organizationID: OrganizationID(Self.organization)
            )
            .count
            for scope in APIScope.allCases {
                // nil: an instance administrator.
                for role in [Role?.none] + Role.allCases.map(Optional.some) {
                    for route in Self.routes {
                        counter += 1
                        let target = route.kind == .delete ? Self.doomed : Self.organization
                        if route.kind == .delete,
                            try await harness.runtime.service.store.organization(OrganizationID(Self.doomed)) == nil
                        {
                            try await harness.runtime.service.store.createOrganization(
                                Organization(id: Self.doomed, displayName: "Doomed"),
                                at: APIHarness.now
                            )
                        }
                        let token = try await harness.token(
                            role == nil ? nil : target,
                            scope,
                            role: role
                        )
                        let body = route.body?.replacingOccurrences(of: "NEW", with: "new-\(counter)")
                        let response = try await harness.send(route.method, route.path, token: token, json: body)
                        var status = Int(response.status.code)
                        if route.batched {
                            let inner = try #require(try object(response.body)["responses"] as? [[String: Any]])
                            status = try #require(inner.first?["status"] as? Int)
                        }
                        let who = "\(role?.rawValue ?? "instance administrator") with \(scope.rawValue): \(route)"
                        if Self.allowed(route.kind, role: role, scope: scope) {
                            #expect((200..<300).contains(status), "\(who) should be allowed, got \(status)")
                            // A recompute that finds nothing to change writes nothing, so it leaves no entry.
                            if target == Self.organization, route.kind != .create, route.kind != .rewriteHistory {
                                allowedWrites += 1
                            }
                        } else {
                            #expect(status == 403, "\(who) should be forbidden, got \(status)")
                            if !route.batched { #expect(try graphErrorCode(response.body) == "accessDenied") }
                        }
                    }
                }
            }
            // Every allowed write left one audit entry and no refused one left any.
            let audited = try await harness.runtime.service.store.auditEntries(
                organizationID: OrganizationID(Self.organization)
            ).count
            #expect(audited - auditedBefore == allowedWrites)
        }
    }
}
