import Foundation

/// Admin consent for the instance-wide multi-tenant app: the address a tenant's administrator
/// opens to grant the app its application permissions, and the answer Microsoft sends back.
/// Microsoft's v2 endpoint with the `.default` scope grants every permission the app
/// registration lists, as the portal's "Grant admin consent" button does.
public enum AdminConsent {
    /// Where Microsoft sends the administrator back, under the server's public address.
    public static let callbackPath = "/connections/consent"

    /// The consent address for a tenant. `state` comes back unchanged with the answer.
    public static func url(
        settings: ConnectionSettings,
        clientID: String,
        redirectURI: String,
        state: String
    ) -> String {
        var components = URLComponents(string: settings.effectiveLoginURL) ?? URLComponents()
        components.path =
            (components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path)
            + "/\(settings.tenantID)/v2.0/adminconsent"
        components.queryItems = [
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "scope", value: settings.effectiveGraphURL + "/.default"),
            URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "state", value: state),
        ]
        // URLComponents leaves `/` and `:` alone in a query; Microsoft reads both either way, and
        // `+` (which it would read as a space) never occurs in these values.
        return components.string ?? ""
    }

    /// `ORG~TOKEN`: the organization to look up and the token to compare with its stored one.
    /// `~` is never part of an organization id.
    public static func state(organizationID: OrganizationID, token: String) -> String {
        organizationID.rawValue + "~" + token
    }

    /// The organization and token of a state, or nil when it is not one of ours.
    public static func parse(state: String) -> (organizationID: OrganizationID, token: String)? {
        let parts = state.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = OrganizationID(validating: String(parts[0])),
            (32...64).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isHexDigit })
        else { return nil }
        return (id, String(parts[1]))
    }

    /// What Microsoft's answer says: granted, or refused with its error and description.
    public enum Answer: Sendable, Equatable {
        case granted(tenant: String?)
        case refused(error: String, description: String?)
    }

    /// Reads the callback's query: `admin_consent=True&tenant=…` or `error=…&error_description=…`.
    public static func answer(_ query: [String: String]) -> Answer {
        if let error = query["error"], !error.isEmpty {
            return .refused(
                error: String(error.prefix(200)),
                description: query["error_description"].map { String($0.prefix(500)) }
            )
        }
        if query["admin_consent"]?.lowercased() == "true" {
            return .granted(tenant: query["tenant"])
        }
        return .refused(
            error: "no_consent",
            description: "the answer says neither that consent was granted nor why not"
        )
    }
}
