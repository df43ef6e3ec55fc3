import Foundation

/// An external OpenID Connect issuer whose access tokens Posture accepts, and how their claims
/// map to roles.
public struct ExternalIssuer: Sendable, Equatable {
    /// The `iss` value tokens must carry, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`.
    public var issuer: String
    /// The `aud` value tokens must carry.
    public var audience: String
    /// Where the keys are; default: `jwks_uri` of `{issuer}/.well-known/openid-configuration`.
    public var jwksURL: String?
    /// The claim that names the person or service, recorded as the actor of changes.
    public var subjectClaim: String
    public var mappings: [ClaimRoleMapping]
    /// The organization bound to this Entra ID tenant: a token's directory roles (its `wids`
    /// claim) grant their Secure Score role there (``DirectoryRoles``). Nil: `wids` is ignored.
    public var directoryRolesOrganization: String?

    public init(
        issuer: String,
        audience: String,
        jwksURL: String? = nil,
        subjectClaim: String = "sub",
        mappings: [ClaimRoleMapping],
        directoryRolesOrganization: String? = nil
    ) {
        self.issuer = issuer
        self.audience = audience
        self.jwksURL = jwksURL
        self.subjectClaim = subjectClaim
        self.mappings = mappings
        self.directoryRolesOrganization = directoryRolesOrganization
    }

    /// The access that a token's claims grant: every mapping whose claim holds its value (as a
    /// string or inside an array) contributes, and so do the directory roles in `wids` when the
    /// issuer is bound to an organization; with several roles in one organization the strongest
    /// wins.
    public func access(claims: JSONObject) -> Access {
        var access = Access()
        if let organization = directoryRolesOrganization,
            let role = DirectoryRoles.strongest(Self.values(of: claims["wids"]))
        {
            access.roles[organization] = role
        }
        for mapping in mappings where Self.values(of: claims[mapping.claim]).contains(mapping.value) {
            switch mapping.grant {
            case .instanceAdministrator:
                access.instanceAdministrator = true
            case .role(let role, let organizationID):
                access.roles[organizationID] = min(role, access.roles[organizationID] ?? role)
            }
        }
        return access
    }

    /// The Graph scopes a token carries: in `scp` (delegated, space-separated) or `roles`
    /// (application permissions).
    public static func scopes(claims: JSONObject) -> Set<Scope> {
        var names = values(of: claims["roles"])
        for text in values(of: claims["scp"]) { names.formUnion(text.split(separator: " ").map(String.init)) }
        return Set(names.compactMap(Scope.init(rawValue:)))
    }

    /// Keys decide who may do what, so they come over TLS; plain HTTP only from this machine.
    /// The URL is parsed, not matched by prefix: a user or password (`http://localhost:1@host/`)
    /// is refused outright, and the loopback rule compares the parsed host exactly.
    public static func isTrustedURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), components.user == nil, components.password == nil,
            let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty,
            !text.contains("@"), !text.contains("\\")
        else { return false }
        switch scheme {
        case "https": return true
        case "http": return loopbackHosts.contains(host.lowercased())
        default: return false
        }
    }

    /// Host names that never leave this machine.
    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    static func values(of value: JSONValue?) -> Set<String> {
        switch value {
        case .string(let text): [text]
        case .array(let items):
            Set(
                items.compactMap {
                    if case .string(let text) = $0 { return text }
                    return nil
                }
            )
        default: []
        }
    }
}

/// One rule: tokens whose `claim` holds `value` get `grant`.
public struct ClaimRoleMapping: Sendable, Equatable {
    public enum Grant: Sendable, Equatable {
        case role(Role, organizationID: String)
        case instanceAdministrator
    }

    public var claim: String
    public var value: String
    public var grant: Grant

    public init(claim: String, value: String, grant: Grant) {
        self.claim = claim
        self.value = value
        self.grant = grant
    }
}

extension ExternalIssuer {
    /// Reads the issuers file (JSON): `{"issuers": [{"issuer", "audience", "jwksUrl"?,
    /// "subjectClaim"?, "wids"?: organization, "roles": [{"claim", "value", "organization", "role"} |
    /// {"claim", "value", "instanceAdministrator": true}]}]}`; `roles` may be left out when `wids`
    /// is given. Reports every problem with its line.
    public static func decodeList(_ text: String, file: String) throws(DiagnosticList) -> [ExternalIssuer] {
        let root: SourceNode
        do { root = try JSONSourceParser.parse(text, file: file) } catch { throw DiagnosticList([error]) }
        var top = NodeReader(file: file, entry: nil, node: root)
        top.rejectUnknownKeys(["issuers"])
        var diagnostics: [Diagnostic] = []
        var issuers: [ExternalIssuer] = []
        for (index, node) in (top.array("issuers") ?? []).enumerated() {
            var reader = NodeReader(file: file, entry: "issuers[\(index)]", node: node)
            reader.rejectUnknownKeys(["issuer", "audience", "jwksUrl", "subjectClaim", "wids", "roles"])
            let issuer = reader.string("issuer")
            if let issuer, !Self.isTrustedURL(issuer) {
                reader.report("issuer", "must be an https URL (http only on a loopback address), got \"\(issuer)\"")
            }
            let audience = reader.string("audience")
            let jwks = reader.string("jwksUrl", required: false)
            if let jwks, !Self.isTrustedURL(jwks) {
                reader.report("jwksUrl", "must be an https URL (http only on a loopback address), got \"\(jwks)\"")
            }
            let subject = reader.string("subjectClaim", required: false) ?? "sub"
            let wids = reader.string("wids", required: false)
            if let wids, !Organization.isValidID(wids) {
                reader.report("wids", "must be the id of the organization bound to this tenant, got \"\(wids)\"")
            }
            var mappings: [ClaimRoleMapping] = []
            let rules = reader.array("roles", required: wids == nil, nonEmpty: wids == nil) ?? []
            for (position, child) in rules.enumerated() {
                var rule = NodeReader(
                    file: file,
                    entry: "issuers[\(index)]",
                    node: child,
                    fieldPrefix: "roles[\(position)]."
                )
                rule.rejectUnknownKeys(["claim", "value", "organization", "role", "instanceAdministrator"])
                let claim = rule.string("claim")
                let value = rule.string("value")
                if rule.bool("instanceAdministrator", required: false) == true {
                    if let claim, let value {
                        mappings.append(.init(claim: claim, value: value, grant: .instanceAdministrator))
                    }
                } else {
                    let organization = rule.string("organization")
                    let roleName = rule.string("role")
                    let role = roleName.flatMap(Role.init(name:))
                    if let roleName, role == nil {
                        rule.report("role", "must be one of \(Role.choices), got \"\(roleName)\"")
                    }
                    if let organization, !Organization.isValidID(organization) {
                        rule.report(
                            "organization",
                            "must be an organization's id, got \"\(organization)\" (for every organization, use \"instanceAdministrator\": true)"
                        )
                    }
                    if let claim, let value, let organization, let role {
                        mappings.append(
                            .init(claim: claim, value: value, grant: .role(role, organizationID: organization))
                        )
                    }
                }
                reader.absorb(rule.collected)
            }
            if let issuer, let audience {
                issuers.append(
                    ExternalIssuer(
                        issuer: issuer,
                        audience: audience,
                        jwksURL: jwks,
                        subjectClaim: subject,
                        mappings: mappings,
                        directoryRolesOrganization: wids
                    )
                )
            }
            diagnostics += reader.collected
        }
        diagnostics = top.collected + diagnostics
        if Set(issuers.map(\.issuer)).count != issuers.count {
            diagnostics.append(
                Diagnostic(file: file, line: root.line, field: "issuers", message: "an issuer is listed twice")
            )
        }
        guard diagnostics.isEmpty else { throw DiagnosticList(diagnostics) }
        return issuers
    }
}
