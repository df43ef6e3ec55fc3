import Foundation

extension ExternalIssuer {
    /// Reads the issuers file (JSON), documented in docs/identity.md:
    ///
    ///     {"issuers": [{"issuer", "audience"?, "jwksUrl"?, "discoveryUrl"?, "subjectClaim"?,
    ///       "wids"?: organization | {tenant id: organization},
    ///       "roles"?: [{"claim", "value", "organization", "role"} | {"claim", "value", "instanceAdministrator": true}],
    ///       "signIn"?: {"name", "clientId", "clientSecretEnv"?, "scopes"?}}]}
    ///
    /// An entry with `audience` accepts API tokens; one with `signIn` is a button on the sign-in
    /// page; `roles` may be left out when `wids` is given. The client secret is read from the
    /// environment variable `clientSecretEnv` names (in `environment`), so the file holds no
    /// secret. Reports every problem with its line and field.
    public static func decodeList(
        _ text: String,
        file: String,
        environment: [String: String] = [:]
    ) throws(DiagnosticList) -> [ExternalIssuer] {
        let root: SourceNode
        do { root = try JSONSourceParser.parse(text, file: file) } catch { throw DiagnosticList([error]) }
        var top = NodeReader(file: file, entry: nil, node: root)
        top.rejectUnknownKeys(["issuers"])
        var diagnostics: [Diagnostic] = []
        var issuers: [ExternalIssuer] = []
        for (index, node) in (top.array("issuers") ?? []).enumerated() {
            var reader = NodeReader(file: file, entry: "issuers[\(index)]", node: node)
            if let issuer = decodeEntry(&reader, file: file, index: index, environment: environment) {
                issuers.append(issuer)
            }
            diagnostics += reader.collected
        }
        diagnostics = top.collected + diagnostics
        if Set(issuers.map(\.issuer)).count != issuers.count {
            diagnostics.append(
                Diagnostic(file: file, line: root.line, field: "issuers", message: "an issuer is listed twice")
            )
        }
        let names = issuers.compactMap { $0.signIn?.name.lowercased() }
        if Set(names).count != names.count {
            diagnostics.append(
                Diagnostic(
                    file: file,
                    line: root.line,
                    field: "issuers",
                    message: "two sign-in buttons have the same signIn.name; give each its own"
                )
            )
        }
        guard diagnostics.isEmpty else { throw DiagnosticList(diagnostics) }
        return issuers
    }

    private static func decodeEntry(
        _ reader: inout NodeReader,
        file: String,
        index: Int,
        environment: [String: String]
    ) -> ExternalIssuer? {
        reader.rejectUnknownKeys([
            "issuer", "audience", "jwksUrl", "discoveryUrl", "subjectClaim", "wids", "roles", "signIn",
        ])
        let issuer = reader.string("issuer")
        let multiTenant = issuer?.contains(tenantPlaceholder) ?? false
        if let issuer, !isTrustedURL(issuer.replacingOccurrences(of: tenantPlaceholder, with: "tenant")) {
            reader.report("issuer", "must be an https URL (http only on a loopback address), got \"\(issuer)\"")
        }
        let signIn = reader.raw("signIn").flatMap { node in
            decodeSignIn(node, file: file, index: index, environment: environment, into: &reader)
        }
        let hasSignIn = reader.raw("signIn") != nil
        let audience = reader.string("audience", required: !hasSignIn)
        var urls: [String: String] = [:]
        for key in ["jwksUrl", "discoveryUrl"] {
            guard let url = reader.string(key, required: false) else { continue }
            if isTrustedURL(url) {
                urls[key] = url
            } else {
                reader.report(key, "must be an https URL (http only on a loopback address), got \"\(url)\"")
            }
        }
        if multiTenant {
            if !hasSignIn {
                reader.report("signIn", "a multi-tenant issuer ({tenantid}) is for dashboard sign-in: add signIn")
            }
            if audience != nil {
                reader.report(
                    "audience",
                    "a multi-tenant issuer ({tenantid}) serves sign-in only; list each tenant's issuer for API tokens"
                )
            }
            if let rules = reader.raw("roles") {
                // Claims such as app roles are set by each tenant's own administrators: a rule
                // would grant its role to people of every tenant.
                reader.report(
                    "roles",
                    at: rules.line,
                    "a multi-tenant issuer grants roles by each tenant's directory roles (wids) only; a rule here would apply to every tenant"
                )
            }
            if reader.raw("discoveryUrl") == nil {
                reader.report(
                    "discoveryUrl",
                    "a multi-tenant issuer needs its discovery document, e.g. https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"
                )
            }
        }
        let subject = reader.string("subjectClaim", required: false) ?? "sub"
        var organization: String?
        var tenants: [String: String] = [:]
        if let wids = reader.raw("wids") {
            switch wids.value {
            case .string(let id):
                if multiTenant {
                    reader.report(
                        "wids",
                        at: wids.line,
                        "a multi-tenant issuer binds each tenant: {\"<tenant id>\": \"<organization>\"}"
                    )
                } else if !Organization.isValidID(id) {
                    reader.report(
                        "wids",
                        at: wids.line,
                        "must be the id of the organization bound to this tenant, got \"\(id)\""
                    )
                } else {
                    organization = id
                }
            case .object(let members) where multiTenant:
                for (tenant, child) in members {
                    guard isTenantID(tenant) else {
                        reader.report("wids.\(tenant)", at: child.line, "must be a tenant id (a GUID)")
                        continue
                    }
                    guard case .string(let id) = child.value, Organization.isValidID(id) else {
                        reader.report("wids.\(tenant)", at: child.line, "must be an organization's id")
                        continue
                    }
                    tenants[tenant.lowercased()] = id
                }
            default:
                reader.report(
                    "wids",
                    at: wids.line,
                    multiTenant
                        ? "expected an object of tenant id → organization id"
                        : "expected the id of the organization bound to this tenant"
                )
            }
        }
        let bound = reader.raw("wids") != nil
        var mappings: [ClaimRoleMapping] = []
        let rules = multiTenant ? [] : reader.array("roles", required: !bound, nonEmpty: !bound) ?? []
        for (position, child) in rules.enumerated() {
            var rule = NodeReader(
                file: file,
                entry: "issuers[\(index)]",
                node: child,
                fieldPrefix: "roles[\(position)]."
            )
            if let mapping = decodeMapping(&rule) { mappings.append(mapping) }
            reader.absorb(rule.collected)
        }
        if let audience, audience == signIn?.clientID {
            // An ID token names the client id as its audience: it must never pass as an API token.
            reader.report("audience", "must differ from signIn.clientId: ID tokens are not API access tokens")
        }
        guard let issuer, audience != nil || hasSignIn else { return nil }
        return ExternalIssuer(
            issuer: issuer,
            audience: audience,
            jwksURL: urls["jwksUrl"],
            discoveryURL: urls["discoveryUrl"],
            subjectClaim: subject,
            mappings: mappings,
            directoryRolesOrganization: organization,
            tenantOrganizations: tenants,
            signIn: signIn
        )
    }

    private static func decodeMapping(_ rule: inout NodeReader) -> ClaimRoleMapping? {
        rule.rejectUnknownKeys(["claim", "value", "organization", "role", "instanceAdministrator"])
        let claim = rule.string("claim")
        let value = rule.string("value")
        if rule.bool("instanceAdministrator", required: false) == true {
            guard let claim, let value else { return nil }
            return ClaimRoleMapping(claim: claim, value: value, grant: .instanceAdministrator)
        }
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
        guard let claim, let value, let organization, let role, Organization.isValidID(organization) else {
            return nil
        }
        return ClaimRoleMapping(claim: claim, value: value, grant: .role(role, organizationID: organization))
    }

    private static func decodeSignIn(
        _ node: SourceNode,
        file: String,
        index: Int,
        environment: [String: String],
        into parent: inout NodeReader
    ) -> SignInSettings? {
        var reader = NodeReader(file: file, entry: "issuers[\(index)]", node: node, fieldPrefix: "signIn.")
        defer { parent.absorb(reader.collected) }
        reader.rejectUnknownKeys(["name", "clientId", "clientSecretEnv", "scopes"])
        let name = reader.string("name")
        if let name,
            let problem = TextLimits.problem(.name, name)
                ?? (name.count > SignInSettings.nameLimit
                    ? "must be at most \(SignInSettings.nameLimit) characters" : nil)
        {
            reader.report("name", problem.replacingOccurrences(of: "name ", with: ""))
        }
        let clientID = reader.string("clientId")
        var secret: String?
        if let variable = reader.string("clientSecretEnv", required: false) {
            if let value = environment[variable], !value.isEmpty {
                secret = value
            } else {
                reader.report(
                    "clientSecretEnv",
                    "names the environment variable \(variable), which is not set: set it to the client secret"
                )
            }
        }
        let scopes = reader.stringArray("scopes", required: false) ?? SignInSettings.defaultScopes
        if let bad = scopes.first(where: { scope in scope.contains { $0.isWhitespace || $0 == "\"" || $0 == "\\" } }) {
            reader.report("scopes", "a scope is one word, got \"\(bad)\"")
        }
        guard let name, let clientID, reader.collected.isEmpty else { return nil }
        return SignInSettings(name: name, clientID: clientID, clientSecret: secret, scopes: scopes)
    }
}
