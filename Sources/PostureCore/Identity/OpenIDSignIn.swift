import Foundation

/// How the dashboard signs people in through an issuer: the authorization code flow with PKCE,
/// `state` and `nonce` (OpenID Connect Core 3.1), the answer read from the query, never a fragment.
public struct SignInSettings: Sendable, Equatable {
    /// The button's label on the sign-in page, e.g. "Contoso (Entra ID)".
    public var name: String
    /// The application's client id at the provider; ID tokens must name it in `aud`.
    public var clientID: String
    /// The client secret (read from the environment variable the file names, never from the
    /// file); nil: a public client that proves itself with PKCE only.
    public var clientSecret: String?
    /// The scopes asked for; `openid` always comes first.
    public var scopes: [String]

    public static let defaultScopes = ["openid", "profile", "email"]
    public static let nameLimit = 60

    public init(name: String, clientID: String, clientSecret: String? = nil, scopes: [String] = defaultScopes) {
        self.name = name
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = ["openid"] + scopes.filter { $0 != "openid" }
    }
}

/// The checks an ID token's claims must pass once its signature is verified (OpenID Connect Core
/// 3.1.3.7): the issuer, the audience (and the authorized party when there are several), the
/// expiry and issue time, the nonce of this sign-in, and a subject.
public enum IDTokenCheck {
    /// Clock skew tolerated between Posture and the provider.
    public static let leeway: TimeInterval = 60

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case wrongIssuer
        case wrongAudience
        case expired
        case issuedInTheFuture
        case missingTime(String)
        case nonceMismatch
        case missingSubject(String)

        public var description: String {
            switch self {
            case .wrongIssuer: "the ID token was issued by someone other than the provider"
            case .wrongAudience: "the ID token was issued to another application (its aud is not this client id)"
            case .expired: "the ID token has expired"
            case .issuedInTheFuture: "the ID token was issued in the future (check both clocks)"
            case .missingTime(let claim): "the ID token has no \(claim) claim"
            case .nonceMismatch: "the ID token's nonce is not the one of this sign-in (a replayed token)"
            case .missingSubject(let claim): "the ID token has no \(claim) claim naming the person"
            }
        }
    }

    /// The first problem with the claims, or nil when they pass.
    public static func problem(
        claims: JSONObject,
        issuer: ExternalIssuer,
        clientID: String,
        nonce: String,
        now: Date
    ) -> Problem? {
        guard case .string(let iss) = claims["iss"], let expected = issuer.expectedIssuer(claims: claims),
            iss == expected
        else { return .wrongIssuer }
        let audiences = ExternalIssuer.values(of: claims["aud"])
        guard audiences.contains(clientID) else { return .wrongAudience }
        // Several audiences: the token must say it was issued to us; an azp, when present, too.
        if audiences.count > 1 || claims["azp"] != nil {
            guard case .string(let azp) = claims["azp"], azp == clientID else { return .wrongAudience }
        }
        guard let exp = seconds(claims["exp"]) else { return .missingTime("exp") }
        guard Date(timeIntervalSince1970: exp).addingTimeInterval(leeway) > now else { return .expired }
        guard let iat = seconds(claims["iat"]) else { return .missingTime("iat") }
        guard Date(timeIntervalSince1970: iat) <= now.addingTimeInterval(leeway) else { return .issuedInTheFuture }
        guard case .string(let sent) = claims["nonce"], ConstantTime.equal(sent, nonce) else { return .nonceMismatch }
        guard case .string(let subject) = claims[issuer.subjectClaim], !subject.isEmpty else {
            return .missingSubject(issuer.subjectClaim)
        }
        return nil
    }

    static func seconds(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number) where number.isFinite: number
        default: nil
        }
    }
}

/// Who signed in, as the claims describe them: what a new person's record is made of.
public struct SignInProfile: Sendable, Equatable {
    public var subject: String
    public var displayName: String
    public var email: String?
    /// The user name a new person gets when it is free: their e-mail address or preferred user
    /// name when it is a valid user name.
    public var preferredUsername: String?

    public init(claims: JSONObject, subjectClaim: String) {
        func text(_ name: String) -> String? {
            guard case .string(let value) = claims[name] else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        subject = text(subjectClaim) ?? ""
        let preferred = text("preferred_username") ?? text("upn")
        // An address the provider says it has not verified names nobody: anyone could have typed it.
        let unverified = claims["email_verified"] == .bool(false)
        email = unverified ? nil : text("email") ?? preferred.flatMap { $0.contains("@") ? $0 : nil }
        let name = text("name") ?? preferred ?? email ?? subject
        // Claims are someone else's text: cut to the limit, without control characters.
        let scalars = name.unicodeScalars.filter { $0.properties.generalCategory != .control }
        displayName = String(String.UnicodeScalarView(scalars.prefix(TextLimits.Field.displayName.maximum)))
        preferredUsername = unverified ? nil : (email ?? preferred).flatMap(UserName.normalized)
    }
}

extension ExternalIssuer {
    /// Why a sign-in's claims grant no role, in words for the person and their administrator: each
    /// way this issuer grants roles, and what was missing for it. Values the file looks for are not
    /// shown (they can be group ids of the directory).
    public func missingAccess(claims: JSONObject) -> [String] {
        var reasons: [String] = []
        if directoryRolesOrganization != nil || !tenantOrganizations.isEmpty {
            if directoryRolesTarget(claims: claims) == nil {
                reasons.append(
                    "Your directory (the tid claim) is not bound to any organization in Posture: ask your Posture administrator to add your tenant to the issuers file."
                )
            } else if claims["wids"] == nil {
                reasons.append(
                    "The sign-in carried no wids claim (your directory roles): ask your directory administrator to add the optional claim \"wids\" (Token configuration → Add groups claim → Directory roles) to the Posture application."
                )
            } else {
                reasons.append(
                    "None of your directory roles gives access to Secure Score: ask your directory administrator for Global reader or Security reader (to read) or Security administrator (to read and change)."
                )
            }
        }
        for claim in Set(mappings.map(\.claim)).sorted() {
            if claims[claim] == nil {
                reasons.append(
                    "The sign-in carried no \(claim) claim: ask your directory administrator to send it to the Posture application."
                )
            } else {
                reasons.append(
                    "Your \(claim) claim holds none of the values that give a role in Posture: ask your administrator to add you to a group or role that does."
                )
            }
        }
        if reasons.isEmpty {
            reasons.append(
                "This provider grants no roles in Posture: ask your Posture administrator to map its claims to roles."
            )
        }
        return reasons
    }
}
