import Foundation
import PostureAPI
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Signing in through an OpenID Connect provider: the authorization code flow with PKCE, `state`
/// and `nonce`; the answer comes back in the query (`response_mode=query`), never in a fragment.
extension WebRoutes {
    /// Where providers send people back; register it at the provider.
    static let callbackPath = "/signin/callback"

    /// Starts a sign-in: remembers its secrets and sends the browser to the provider.
    @Sendable func startProviderSignIn(_ request: Request) async throws -> Response {
        guard let index = request.parameters.get("index", as: Int.self), providers.providers.indices.contains(index)
        else {
            return refused(.notFound, "No such sign-in", "This sign-in button is not configured (any more).")
        }
        let provider = providers.providers[index]
        let now = dependencies.clock.now()
        let client = ClientAddress.limitKey(request.clientAddress(trustedProxies: dependencies.trustedProxies))
        if let wait = addressLimiter.acquire(client, now: now) {
            let response = refused(
                .tooManyRequests,
                "Too many sign-in attempts",
                "Try again in \(wait) seconds."
            )
            response.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
            return response
        }
        let metadata: ProviderMetadata
        do {
            metadata = try await provider.metadata.metadata()
        } catch {
            request.logger.warning("sign-in with \(provider.settings.name): \(error)")
            return refused(
                .badGateway,
                "\(provider.settings.name) is unavailable",
                "Posture could not reach the sign-in provider: \(error). Try again later, or tell your Posture administrator."
            )
        }
        let next = Self.localPath(request.query[String.self, at: "next"])
        guard
            let start = try await identity.beginExternalSignIn(
                issuer: provider.configuration.issuer,
                next: next,
                client: client
            )
        else {
            return refused(
                .serviceUnavailable,
                "Too many sign-ins at once",
                "Too many sign-ins are under way. Try again in a few minutes."
            )
        }
        let url = Self.url(
            metadata.authorizationEndpoint,
            adding: [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "response_mode", value: "query"),
                URLQueryItem(name: "client_id", value: provider.settings.clientID),
                URLQueryItem(name: "redirect_uri", value: redirectURI(request)),
                URLQueryItem(name: "scope", value: provider.settings.scopes.joined(separator: " ")),
                URLQueryItem(name: "state", value: start.state),
                URLQueryItem(name: "nonce", value: start.nonce),
                URLQueryItem(name: "code_challenge", value: PKCE.challenge(start.codeVerifier)),
                URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        )
        guard let url else {
            return refused(
                .badGateway,
                "\(provider.settings.name) is unavailable",
                "Its authorization endpoint is not a URL."
            )
        }
        let response = request.redirect(to: url, redirectType: .normal)
        response.cookies[WebCookies.providerSignIn] = cookies(request).providerSignIn(start.browserToken)
        return response
    }

    /// The provider's answer: the code is exchanged for an ID token, which is checked whole before
    /// anyone is signed in.
    @Sendable func providerCallback(_ request: Request) async throws -> Response {
        let state = request.query[String.self, at: "state"] ?? ""
        let browser = request.cookies[WebCookies.providerSignIn]?.string ?? ""
        let attempt: StoredSignInAttempt
        switch try await identity.takeExternalSignIn(state: state, browserToken: browser) {
        case .valid(let taken):
            attempt = taken
        case .unknown:
            return refused(
                .badRequest,
                "Sign-in link not valid",
                "This sign-in answer was already used, or its state was changed on the way. Start again from the sign-in page."
            )
        case .otherBrowser:
            return refused(
                .badRequest,
                "Sign-in started elsewhere",
                "This sign-in was started in another browser or its cookie is gone. Start again from the sign-in page."
            )
        case .expired:
            return refused(
                .badRequest,
                "Sign-in took too long",
                "More than ten minutes passed at the provider. Start again from the sign-in page."
            )
        }
        guard let provider = providers.provider(issuer: attempt.issuer) else {
            return refused(.badRequest, "Sign-in not configured", "This provider is no longer configured.")
        }
        let name = provider.settings.name
        if let error = request.query[String.self, at: "error"] {
            let description = request.query[String.self, at: "error_description"].map { ": " + $0.prefix(300) } ?? ""
            return refused(
                .unauthorized,
                "Not signed in",
                "\(name) did not sign you in (\(error.prefix(100))\(description))."
            )
        }
        guard let code = request.query[String.self, at: "code"], !code.isEmpty else {
            return refused(.badRequest, "Not signed in", "\(name) sent no sign-in code back.")
        }
        let claims: JSONObject
        do {
            let metadata = try await provider.metadata.metadata()
            let idToken = try await providers.exchange(
                code: code,
                verifier: attempt.codeVerifier,
                redirectURI: redirectURI(request),
                provider: provider,
                metadata: metadata
            )
            claims = try await providers.verify(
                idToken: idToken,
                provider: provider,
                nonce: attempt.nonce,
                now: dependencies.clock.now()
            )
        } catch let failure as OpenIDProviders.Failure {
            request.logger.notice("sign-in with \(name) refused: \(failure)")
            return refused(.unauthorized, "Not signed in", "Signing in with \(name) failed: \(failure).")
        }
        let profile = SignInProfile(claims: claims, subjectClaim: provider.configuration.subjectClaim)
        let access = provider.configuration.access(claims: claims)
        guard case .string(let tokenIssuer) = claims["iss"] else {
            return refused(.unauthorized, "Not signed in", "The ID token has no issuer.")
        }
        // Roles granted in Posture count too: a linked person with a grant signs in without any
        // role from the directory.
        let linked = try await identity.linkedUser(tokenIssuer: tokenIssuer, subject: profile.subject)
        guard !access.isEmpty || !(linked?.access.isEmpty ?? true) else {
            request.logger.notice("sign-in with \(name): no role for subject \(profile.subject)")
            return WebPages.html(
                SignInRefusedView(
                    title: "No access to Posture",
                    message:
                        "\(name) signed you in as \(profile.displayName), but nothing in your sign-in gives you a role in Posture.",
                    reasons: provider.configuration.missingAccess(claims: claims)
                ).render(),
                status: .forbidden
            )
        }
        let (user, token) = try await identity.signInExternally(
            tokenIssuer: tokenIssuer,
            providerName: name,
            providerIssuer: provider.configuration.issuer,
            profile: profile,
            access: access,
            requestID: request.id
        )
        let response = request.redirect(to: landing(attempt.next, user: user), redirectType: .normal)
        response.cookies[WebCookies.session] = cookies(request).session(token)
        response.cookies[WebCookies.providerSignIn] = cookies(request).expired(path: "/signin")
        return response
    }

    /// Where a provider sign-in lands: the page asked for, else the person's one organization, else
    /// the list.
    func landing(_ next: String, user: StoredUser) -> String {
        guard next == "/" else { return next }
        if !user.instanceAdministrator, user.roles.count == 1, let organization = user.roles.keys.first {
            return "/orgs/" + Self.percentEncoded(organization)
        }
        return "/"
    }

    /// The provider's sign-out address, when the session came from a provider that has one
    /// (RP-initiated logout): the provider ends its own session and sends the browser back to
    /// the sign-in page.
    func providerSignOut(_ request: Request, session: StoredSession) async -> (name: String, url: String)? {
        guard let issuer = session.provider, let provider = providers.provider(issuer: issuer),
            let metadata = try? await provider.metadata.metadata(), let endpoint = metadata.endSessionEndpoint
        else { return nil }
        let url = Self.url(
            endpoint,
            adding: [
                URLQueryItem(name: "client_id", value: provider.settings.clientID),
                URLQueryItem(name: "post_logout_redirect_uri", value: baseURL(request) + "/signin?signedout=1"),
            ]
        )
        return url.map { (provider.settings.name, $0) }
    }

    /// The endpoint with the parameters added to any it has.
    static func url(_ endpoint: String, adding items: [URLQueryItem]) -> String? {
        guard var components = URLComponents(string: endpoint) else { return nil }
        components.queryItems = (components.queryItems ?? []) + items
        // `+` is a space to form decoders but a plus to URLComponents: encode it.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string
    }

    func baseURL(_ request: Request) -> String {
        dependencies.publicBaseURL.resolve(
            host: request.headers.first(name: .host),
            forwardedProto: request.headers.first(name: "X-Forwarded-Proto")
        )
    }

    func redirectURI(_ request: Request) -> String { baseURL(request) + Self.callbackPath }

    func refused(_ status: HTTPStatus, _ title: String, _ message: String) -> Response {
        WebPages.html(SignInRefusedView(title: title, message: message).render(), status: status)
    }
}
