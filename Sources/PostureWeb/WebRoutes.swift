import Foundation
import PostureAPI
import PostureCore
import PostureStore
import Vapor

/// Everything the dashboard needs, passed in by the composition root.
public struct WebDependencies: Sendable {
    public var service: PostureService
    public var identity: IdentityService
    public var clock: PostureClock
    /// Whether cookies carry the Secure attribute; see ``WebCookies``.
    public var secureCookies: Bool
    /// Reverse proxies whose `X-Forwarded-For` is believed for sign-in rate limits.
    public var trustedProxies: Set<String>
    /// The base of links people share (an action's URL).
    public var publicBaseURL: PublicBaseURL

    public init(
        service: PostureService,
        identity: IdentityService,
        clock: PostureClock,
        secureCookies: Bool,
        trustedProxies: Set<String> = [],
        publicBaseURL: PublicBaseURL = PublicBaseURL()
    ) {
        self.publicBaseURL = publicBaseURL
        self.service = service
        self.identity = identity
        self.clock = clock
        self.secureCookies = secureCookies
        self.trustedProxies = trustedProxies
    }
}

/// The dashboard: sign-in, sign-out, password change and the pages behind them.
public struct WebRoutes: Sendable {
    let dependencies: WebDependencies
    /// Sign-in attempts per source address (30 in 5 minutes: several people may share one address)…
    let addressLimiter: RateLimiter
    /// …and, per account and address, a wait that doubles after each wrong password beyond the
    /// first few. No limit per user name alone: that would let anyone keep an account's owner out.
    let throttle: SignInThrottle
    /// Cookies are Secure when configured so or when the request came through HTTPS (a proxy
    /// that terminates TLS says so in `X-Forwarded-Proto`).
    func cookies(_ request: Request) -> WebCookies {
        WebCookies(
            secure: dependencies.secureCookies
                || request.headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
        )
    }
    var identity: IdentityService { dependencies.identity }

    public static func register(on app: Application, dependencies: WebDependencies) {
        let routes = WebRoutes(
            dependencies: dependencies,
            addressLimiter: RateLimiter(limit: 30, window: 300),
            throttle: SignInThrottle()
        )
        let web = app.routes.grouped(WebSecurityHeadersMiddleware()).grouped(WebErrorMiddleware())
        web.get("assets", "posture.css") { _ in
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return Response(status: .ok, headers: headers, body: .init(string: Stylesheet.css))
        }
        web.get("assets", "posture.js") { _ in
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return Response(status: .ok, headers: headers, body: .init(string: Script.javascript))
        }
        web.get("signin", use: routes.signInPage)
        web.post("signin", use: routes.signIn)
        let signedIn = web.grouped(WebSessionMiddleware(identity: dependencies.identity))
        signedIn.post("signout", use: routes.signOut)
        signedIn.get("account", "password", use: routes.passwordPage)
        signedIn.post("account", "password", use: routes.changePassword)
        signedIn.get(use: routes.organizations)
        DashboardRoutes(dependencies: dependencies).register(on: signedIn)
        PeopleRoutes(dependencies: dependencies).register(on: signedIn)
    }

    // MARK: sign-in and sign-out

    @Sendable func signInPage(_ request: Request) async throws -> Response {
        if let token = request.cookies[WebCookies.session]?.string, try await identity.session(token) != nil {
            return request.redirect(to: Self.localPath(request.query[String.self, at: "next"]))
        }
        return signInForm(request, username: "", error: nil, status: .ok)
    }

    /// A fresh form with its own CSRF token, bound to the browser by a cookie (double submit):
    /// before signing in there is no session to hold the token.
    func signInForm(_ request: Request, username: String, error: String?, status: HTTPStatus) -> Response {
        let token = RandomToken.make()
        let view = SignInView(
            username: username,
            csrfToken: token,
            next: Self.localPath(
                request.query[String.self, at: "next"] ?? (try? request.content.get(String.self, at: "next"))
            ),
            error: error
        )
        let response = WebPages.html(view.render(), status: status)
        response.cookies[WebCookies.signInCSRF] = cookies(request).signIn(token)
        return response
    }

    struct SignInForm: Content {
        var username: String?
        var password: String?
        var csrf: String?
        var next: String?
    }

    @Sendable func signIn(_ request: Request) async throws -> Response {
        let form = (try? request.content.decode(SignInForm.self)) ?? SignInForm()
        let expected = request.cookies[WebCookies.signInCSRF]?.string ?? ""
        guard !expected.isEmpty, ConstantTime.equal(form.csrf ?? "", expected) else {
            return signInForm(
                request,
                username: form.username ?? "",
                error: "The sign-in form expired. Please try again.",
                status: .forbidden
            )
        }
        let username = (form.username ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let now = dependencies.clock.now()
        let address = request.clientAddress(trustedProxies: dependencies.trustedProxies)
        let key = "\(username)\n\(address)"
        if let wait = addressLimiter.acquire(address, now: now) ?? throttle.wait(key, now: now) {
            let response = signInForm(
                request,
                username: username,
                error: "Too many sign-in attempts. Try again in \(wait) seconds.",
                status: .tooManyRequests
            )
            response.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
            return response
        }
        switch try await identity.signIn(username, password: form.password ?? "", requestID: request.id) {
        case .refused:
            throttle.recordFailure(key, now: now)
            return signInForm(request, username: username, error: "Wrong user name or password.", status: .unauthorized)
        case .signedIn(let user, let token):
            throttle.recordSuccess(key)
            let target = user.mustChangePassword ? "/account/password" : Self.localPath(form.next)
            let response = request.redirect(to: target, redirectType: .normal)
            response.cookies[WebCookies.session] = cookies(request).session(token)
            response.cookies[WebCookies.signInCSRF] = cookies(request).expired()
            return response
        }
    }

    @Sendable func signOut(_ request: Request) async throws -> Response {
        try await identity.signOut(try request.webUser.sessionToken)
        let response = request.redirect(to: "/signin", redirectType: .normal)
        response.cookies[WebCookies.session] = cookies(request).expired()
        return response
    }

    // MARK: password

    @Sendable func passwordPage(_ request: Request) async throws -> Response {
        let web = try request.webUser
        return WebPages.html(
            PasswordView(signedIn: web.signedIn, mustChange: web.user.mustChangePassword, errors: []).render()
        )
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var confirm: String?
    }

    @Sendable func changePassword(_ request: Request) async throws -> Response {
        let web = try request.webUser
        let form = (try? request.content.decode(PasswordForm.self)) ?? PasswordForm()
        func refuse(_ errors: [String]) -> Response {
            WebPages.html(
                PasswordView(signedIn: web.signedIn, mustChange: web.user.mustChangePassword, errors: errors).render(),
                status: .badRequest
            )
        }
        let new = form.new ?? ""
        guard new == form.confirm else { return refuse(["The two new passwords differ."]) }
        let token: String?
        do {
            token = try await identity.changePassword(
                web.user,
                current: form.current ?? "",
                new: new,
                requestID: request.id
            )
        } catch IdentityError.weakPassword(let problems) {
            return refuse(problems.map { "The new password \($0)." })
        }
        guard let token else { return refuse(["The current password is wrong."]) }
        let response = request.redirect(to: "/", redirectType: .normal)
        response.cookies[WebCookies.session] = cookies(request).session(token)
        return response
    }

    // MARK: pages

    @Sendable func organizations(_ request: Request) async throws -> Response {
        let web = try request.webUser
        let access = web.user.access
        let service = dependencies.service
        let monthAgo = CivilDay(dependencies.clock.now()).adding(days: -30)
        var rows: [OrganizationsView.Row] = []
        // Stored scores and last month's percentages, each in one read for every organization.
        let then = try await service.store.percentages(on: monthAgo)
        let customZones = try await service.store.customZones()
        let search = (request.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        for score in try await service.organizationScores() {
            let id = score.organization.organization.id
            guard let role = access.role(in: id) else { continue }
            if !search.isEmpty,
                !id.localizedCaseInsensitiveContains(search),
                !score.organization.organization.displayName.localizedCaseInsensitiveContains(search)
            {
                continue
            }
            let zones = customZones[id] ?? .default
            rows.append(
                OrganizationsView.Row(
                    id: id,
                    name: score.organization.organization.displayName,
                    role: web.user.instanceAdministrator && web.user.roles[id] == nil
                        ? "Instance administrator" : role.displayName,
                    score: score.currentScore,
                    maxScore: score.maxScore,
                    percentage: score.percentage,
                    zone: zones.zone(for: score.percentage).rawValue,
                    change30: then[id].map { score.percentage - $0 },
                    openRegressions: score.regressions
                )
            )
        }
        let sort = OrganizationsView.Sort(rawValue: request.query[String.self, at: "sort"] ?? "") ?? .name
        var view = OrganizationsView(
            signedIn: web.signedIn,
            rows: rows,
            sort: sort,
            descending: request.query[String.self, at: "dir"] == "desc"
        )
        view.search = search
        view.start = request.query[Int.self, at: "start"] ?? 0
        return WebPages.html(view.render())
    }

    // MARK: helpers

    /// Only paths on this server, so `next` cannot send people to another site.
    static func localPath(_ candidate: String?) -> String {
        // Browsers drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` would leave the site.
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
            !candidate.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return "/" }
        return candidate
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_.~")))
            ?? "/"
    }
}

/// Builds HTML responses.
enum WebPages {
    static func html(_ page: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: page))
    }

    static func error(_ status: HTTPStatus, _ title: String, _ message: String, signedIn: Layout.SignedIn?) -> Response
    {
        html(ErrorView(title: title, message: message, signedIn: signedIn).render(), status: status)
    }
}
