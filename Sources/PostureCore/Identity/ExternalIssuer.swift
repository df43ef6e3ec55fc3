import Foundation

/// An external OpenID Connect issuer: whose access tokens the API accepts (when it has an
/// audience), who may sign in to the dashboard through it (when it has ``signIn``), and how the
/// claims of both map to roles. One entry of the issuers file serves both.
public struct ExternalIssuer: Sendable, Equatable {
    /// The `iss` value tokens must carry, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`.
    /// A multi-tenant Entra ID application writes `{tenantid}` where the tenant goes; each
    /// token's own `tid` claim fills it in.
    public var issuer: String
    /// The `aud` value API access tokens must carry; nil: the issuer serves dashboard sign-in only.
    public var audience: String?
    /// Where the keys are; default: `jwks_uri` of the discovery document.
    public var jwksURL: String?
    /// The discovery document; default `{issuer}/.well-known/openid-configuration`.
    public var discoveryURL: String?
    /// The claim that names the person or service, recorded as the actor of changes.
    public var subjectClaim: String
    public var mappings: [ClaimRoleMapping]
    /// The organization bound to this Entra ID tenant: a token's directory roles (its `wids`
    /// claim) grant their Secure Score role there (``DirectoryRoles``). Nil: `wids` is ignored.
    public var directoryRolesOrganization: String?
    /// For a multi-tenant issuer: tenant id (`tid`) → the organization its directory roles apply to.
    public var tenantOrganizations: [String: String]
    /// Dashboard sign-in through this issuer; nil: its tokens are for the API only.
    public var signIn: SignInSettings?

    public init(
        issuer: String,
        audience: String?,
        jwksURL: String? = nil,
        discoveryURL: String? = nil,
        subjectClaim: String = "sub",
        mappings: [ClaimRoleMapping],
        directoryRolesOrganization: String? = nil,
        tenantOrganizations: [String: String] = [:],
        signIn: SignInSettings? = nil
    ) {
        self.issuer = issuer
        self.audience = audience
        self.jwksURL = jwksURL
        self.discoveryURL = discoveryURL
        self.subjectClaim = subjectClaim
        self.mappings = mappings
        self.directoryRolesOrganization = directoryRolesOrganization
        self.tenantOrganizations = tenantOrganizations
        self.signIn = signIn
    }

    /// The placeholder a multi-tenant issuer holds for the tenant.
    public static let tenantPlaceholder = "{tenantid}"

    /// True for a multi-tenant issuer, whose `iss` depends on the token's tenant.
    public var isMultiTenant: Bool { issuer.contains(Self.tenantPlaceholder) }

    /// The discovery document's address.
    public var discoveryDocumentURL: String {
        if let discoveryURL { return discoveryURL }
        return (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
    }

    /// The `iss` a token with these claims must carry: the issuer, or for a multi-tenant one the
    /// issuer with the token's `tid`; nil when a multi-tenant token has no usable `tid`.
    public func expectedIssuer(claims: JSONObject) -> String? {
        guard isMultiTenant else { return issuer }
        guard case .string(let tenant) = claims["tid"], Self.isTenantID(tenant) else { return nil }
        return issuer.replacingOccurrences(of: Self.tenantPlaceholder, with: tenant.lowercased())
    }

    /// Tenant ids are GUIDs: only hex digits and dashes may go into an issuer.
    static func isTenantID(_ text: String) -> Bool {
        text.count == 36 && text.allSatisfy { $0.isHexDigit || $0 == "-" }
    }

    /// The organization a token's directory roles apply to.
    func directoryRolesTarget(claims: JSONObject) -> String? {
        if let directoryRolesOrganization { return directoryRolesOrganization }
        guard case .string(let tenant) = claims["tid"] else { return nil }
        return tenantOrganizations[tenant.lowercased()]
    }

    /// The access that a token's claims grant: every mapping whose claim holds its value (as a
    /// string or inside an array) contributes, and so do the directory roles in `wids` when the
    /// issuer is bound to an organization; with several roles in one organization the strongest
    /// wins.
    public func access(claims: JSONObject) -> Access {
        var access = Access()
        if let organization = directoryRolesTarget(claims: claims),
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
