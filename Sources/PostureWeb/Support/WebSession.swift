import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The signed-in person of a dashboard request.
struct WebUser: Sendable {
    /// The person with every role they hold in this session (granted and from the directory).
    var user: StoredUser
    var session: StoredSession
    var sessionToken: String
    /// The roles granted in Posture alone, without those the provider's sign-in gave.
    var granted: Access

    /// Refuses handing out access that would outlast the session (roles, people, API clients) to
    /// someone whose right to do so comes from the directory sign-in only: that right ends with the
    /// session, what they created would not.
    func requireGranted(_ allowed: (Access) -> Bool) throws {
        guard !allowed(granted) else { return }
        throw WebError.forbidden(
            "Your role here comes from your directory sign-in and ends with this session; giving roles or creating API clients that outlast it needs a role granted in Posture. Ask an instance administrator, or use `posture user grant`."
        )
    }

    var signedIn: Layout.SignedIn {
        Layout.SignedIn(
            displayName: user.displayName,
            csrfToken: session.csrfToken,
            instanceAdministrator: user.instanceAdministrator,
            hasPassword: user.hasPassword
        )
    }
}

struct WebUserKey: StorageKey {
    typealias Value = WebUser
}

/// Cookie names and attributes. Session cookies are HttpOnly and SameSite=Lax (links from e-mail
/// still open pages; cross-site form posts carry no cookie), and Secure whenever the server is
/// reached over HTTPS or on this machine (browsers treat loopback addresses as secure).
struct WebCookies: Sendable {
    static let session = "posture_session"
    static let signInCSRF = "posture_signin"
    /// Binds a sign-in at a provider to the browser that started it.
    static let providerSignIn = "posture_provider"
    var secure: Bool

    func session(_ token: String) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    /// Lax, not Strict: the provider sends the browser back with a top-level navigation from its
    /// own site, which must carry the cookie.
    func providerSignIn(_ token: String) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token,
            maxAge: Int(IdentityService.signInAttemptLifetime),
            path: "/signin",
            isSecure: secure,
            isHTTPOnly: true,
            sameSite: .lax
        )
    }

    /// Deletes a cookie: the path must be the one it was set with.
    func expired(path: String = "/") -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "",
            expires: Date(timeIntervalSince1970: 0),
            maxAge: 0,
            path: path,
            isSecure: secure,
            isHTTPOnly: true,
            sameSite: .lax
        )
    }

    func signIn(_ token: String) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token,
            maxAge: 3600,
            path: "/signin",
            isSecure: secure,
            isHTTPOnly: true,
            sameSite: .strict
        )
    }
}

/// Resolves the session cookie. Pages behind it need a signed-in person: others are sent to the
/// sign-in page, and people who must change their password are sent there first.
struct WebSessionMiddleware: AsyncMiddleware {
    let identity: IdentityService

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = request.cookies[WebCookies.session]?.string, !token.isEmpty,
            let (session, user, granted) = try await identity.signedIn(token)
        else {
            if request.method == .GET {
                return request.redirect(to: "/signin?next=" + WebRoutes.percentEncoded(request.url.string))
            }
            return WebPages.error(.unauthorized, "Signed out", "Your session has ended. Sign in again.", signedIn: nil)
        }
        let web = WebUser(user: user, session: session, sessionToken: token, granted: granted)
        request.storage[WebUserKey.self] = web
        if user.mustChangePassword, !["/account/password", "/signout"].contains(request.url.path) {
            return request.redirect(to: "/account/password")
        }
        if request.method == .POST {
            // Every form carries the session's CSRF token; a cross-site post cannot know it.
            let sent = (try? request.content.get(String.self, at: "csrf")) ?? ""
            guard ConstantTime.equal(sent, session.csrfToken) else {
                return WebPages.error(
                    .forbidden,
                    "Form expired",
                    "The form was stale or came from another site. Go back, reload the page and try again.",
                    signedIn: web.signedIn
                )
            }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    var webUser: WebUser {
        get throws {
            guard let user = storage[WebUserKey.self] else { throw Abort(.unauthorized) }
            return user
        }
    }
}

/// Headers for every dashboard page: no framing, no foreign scripts or styles, no caching of
/// personal pages, no referrer leaking organization ids.
struct WebSecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers: [(String, String)] = [
            (
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
            ),
            ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"),
        ]
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        if response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
