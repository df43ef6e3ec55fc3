import Foundation
import PostureAPI
import PostureCore
import PostureServices
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
    /// The issuers file's entries; those with `signIn` are buttons on the sign-in page.
    public var issuers: [ExternalIssuer]
    /// Whether people may sign in with a Posture password (`POSTURE_PASSWORD_SIGN_IN`).
    public var passwordSignIn: Bool
    /// Makes reports' PDFs; nil: none.
    public var pdfConverter: (any PDFConverting)?

    public init(
        service: PostureService,
        identity: IdentityService,
        clock: PostureClock,
        secureCookies: Bool,
        trustedProxies: Set<String> = [],
        publicBaseURL: PublicBaseURL = PublicBaseURL(),
        issuers: [ExternalIssuer] = [],
        passwordSignIn: Bool = true,
        pdfConverter: (any PDFConverting)? = nil
    ) {
        self.pdfConverter = pdfConverter
        self.publicBaseURL = publicBaseURL
        self.issuers = issuers
        self.passwordSignIn = passwordSignIn
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
    /// The bulk form's actions by title: the catalog is fixed for the process, so sorted once.
    let bulkActions: [OrganizationsView.Choice]
    /// The providers people sign in through.
    let providers: OpenIDProviders
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
            throttle: SignInThrottle(),
            bulkActions: dependencies.service.catalog.actions.sorted { $0.title < $1.title }.map {
                .init(value: $0.id, label: $0.title)
            },
            providers: OpenIDProviders(issuers: dependencies.issuers, client: app.client, clock: dependencies.clock)
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
        ReportRoutes.stylesheets(on: web)
        ConsentRoutes(dependencies: dependencies).register(on: web)
        web.get("signin", use: routes.signInPage)
        web.post("signin", use: routes.signIn)
        web.get("signin", "provider", ":index", use: routes.startProviderSignIn)
        web.get("signin", "callback", use: routes.providerCallback)
        let signedIn = web.grouped(WebSessionMiddleware(identity: dependencies.identity))
        signedIn.post("signout", use: routes.signOut)
        signedIn.get("account", "password", use: routes.passwordPage)
        signedIn.post("account", "password", use: routes.changePassword)
        signedIn.get(use: routes.organizations)
        signedIn.post("bulk", "status", use: routes.bulkStatus)
        DashboardRoutes(dependencies: dependencies).register(on: signedIn)
        PeopleRoutes(dependencies: dependencies).register(on: signedIn)
        ReportRoutes(dependencies: dependencies).registerInstance(on: signedIn)
        InstanceAlertRoutes(dependencies: dependencies).register(on: signedIn)
    }

    // MARK: sign-in and sign-out

    @Sendable func signInPage(_ request: Request) async throws -> Response {
        if let token = request.cookies[WebCookies.session]?.string, try await identity.session(token) != nil {
            return request.redirect(to: Self.localPath(request.query[String.self, at: "next"]))
        }
        let notice = request.query[String.self, at: "signedout"] != nil ? "You are signed out." : nil
        return signInForm(request, username: "", error: nil, status: .ok, notice: notice)
    }

    /// A fresh form with its own CSRF token, bound to the browser by a cookie (double submit):
    /// before signing in there is no session to hold the token.
    func signInForm(
        _ request: Request,
        username: String,
        error: String?,
        status: HTTPStatus,
        notice: String? = nil
    ) -> Response {
        let token = RandomToken.make()
        let view = SignInView(
            username: username,
            csrfToken: token,
            next: Self.localPath(
                request.query[String.self, at: "next"] ?? (try? request.content.get(String.self, at: "next"))
            ),
            error: error,
            providers: providers.providers.enumerated().map { .init(index: $0.offset, name: $0.element.settings.name) },
            passwords: dependencies.passwordSignIn,
            notice: notice
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
        guard dependencies.passwordSignIn else {
            return WebPages.error(
                .forbidden,
                "Passwords are switched off",
                "This Posture signs people in through their organization's sign-in provider only. Use a button on the sign-in page.",
                signedIn: nil
            )
        }
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
            response.cookies[WebCookies.signInCSRF] = cookies(request).expired(path: "/signin")
            return response
        }
    }

    @Sendable func signOut(_ request: Request) async throws -> Response {
        let web = try request.webUser
        try await identity.signOut(web.sessionToken)
        let response: Response
        if let (name, url) = await providerSignOut(request, session: web.session) {
            response = WebPages.html(SignedOutView(providerName: name, providerSignOut: url).render())
        } else {
            response = request.redirect(to: "/signin?signedout=1", redirectType: .normal)
        }
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
        let parameters = ["q", "connection", "sort", "dir", "start"].reduce(into: [String: String]()) { result, name in
            result[name] = request.query[String.self, at: name]
        }
        return try await organizationsPage(request, parameters: parameters)
    }

    /// A page of the organizations list: the search, order and start in `parameters` (as in the
    /// page's address), read from the stored scores one page at a time.
    func organizationsPage(
        _ request: Request,
        parameters: [String: String],
        message: String? = nil,
        errors: [String] = []
    ) async throws -> Response {
        let web = try request.webUser
        let access = web.user.access
        let service = dependencies.service
        let sort = OrganizationsView.Sort(rawValue: parameters["sort"] ?? "") ?? .name
        let descending = parameters["dir"] == "desc"
        let start = parameters["start"].flatMap { Int($0) } ?? 0
        var errors = errors
        let connection = parameters["connection"].flatMap(OrganizationListQuery.ConnectionFilter.init(rawValue:))
        if let given = parameters["connection"], !given.isEmpty, connection == nil {
            errors.append("Choose a connection filter from the list: failing or stale.")
        }
        let query: OrganizationListQuery
        do {
            query = try OrganizationListQuery(
                search: parameters["q"] ?? "",
                sort: sort,
                descending: descending,
                offset: start,
                connection: connection
            )
        } catch {
            errors.append(error.description)
            query = try OrganizationListQuery(sort: sort, descending: descending)
        }
        let page = try await service.organizationPage(
            query,
            visible: access.instanceAdministrator ? nil : Array(access.roles.keys)
        )
        let rows = page.rows.map(\.row).map { row in
            OrganizationsView.Row(
                id: row.id,
                name: row.displayName,
                role: web.user.instanceAdministrator && web.user.roles[row.id] == nil
                    ? "Instance administrator" : access.role(in: OrganizationID(row.id))?.displayName ?? "",
                score: row.score,
                maxScore: row.maxScore,
                percentage: row.percentage,
                zone: row.zone.rawValue,
                change30: row.change30,
                openRegressions: row.regressions,
                connection: row.connection?.rawValue,
                writable: AccessPolicy.decide(
                    .changeState,
                    organizationID: OrganizationID(row.id),
                    access: access,
                    scopes: [.readWrite]
                )
                    == .allowed
            )
        }
        let writesAnywhere = access.instanceAdministrator || access.roles.values.contains(where: \.isReadWrite)
        var view = OrganizationsView(signedIn: web.signedIn, rows: rows, sort: sort, descending: descending)
        view.search = query.search
        view.connection = query.connection
        view.page = ListPage(offset: page.offset, size: query.limit, total: page.total)
        view.message = message
        view.errors = errors
        if writesAnywhere {
            view.bulk = OrganizationsView.BulkForm(
                actions: bulkActions,
                statuses: ActionDetailView.statusChoices(current: .toAddress).map {
                    .init(value: $0.value, label: $0.label)
                }
            )
        }
        return WebPages.html(view.render(), status: errors.isEmpty ? .ok : .badRequest)
    }

    struct BulkStatusForm: Content {
        var orgs: [String]?
        var action: String?
        var status: String?
        var note: String?
        /// The list's address to show again (its search, order and page).
        var `return`: String?
    }

    /// Sets one status in every selected organization the person may change, and shows the list
    /// again with what happened in each.
    @Sendable func bulkStatus(_ request: Request) async throws -> Response {
        let web = try request.webUser
        let form = (try? request.content.decode(BulkStatusForm.self)) ?? BulkStatusForm()
        let back = URLComponents(string: Self.localPath(form.return))?.queryItems ?? []
        let parameters = back.reduce(into: [String: String]()) { $0[$1.name] = $1.value }
        var errors: [String] = []
        let status = form.status.flatMap(ActionStatus.init(rawValue:))
        if status == nil { errors.append("Choose a status.") }
        let actionID = form.action ?? ""
        if actionID.isEmpty { errors.append("Choose an improvement action.") }
        guard errors.isEmpty, let status else {
            return try await organizationsPage(request, parameters: parameters, errors: errors)
        }
        let note = form.note.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        let record = StatusRecord(actionID: actionID, status: status, note: note)
        let results: [BulkStatusChange.Result]
        do {
            results = try await dependencies.service.setStatusInEach(
                form.orgs ?? [],
                record,
                access: web.user.access,
                actor: web.user.username,
                requestID: request.id
            )
        } catch let problem as BulkStatusChange.Problem {
            return try await organizationsPage(request, parameters: parameters, errors: [problem.description])
        } catch ServiceError.statusRefused(let violations) {
            return try await organizationsPage(request, parameters: parameters, errors: violations.map(\.sentence))
        }
        let title = dependencies.service.catalog[actionID]?.title ?? actionID
        let changed = results.filter { $0.outcome == .changed }.count
        let message =
            changed == 0
            ? nil : "\(status.label) set for “\(title)” in \(changed) organization\(changed == 1 ? "" : "s")."
        let refusals = results.compactMap { result -> String? in
            switch result.outcome {
            case .changed: nil
            case .notFound: "\(result.organizationID): not found."
            case .forbidden(let reason): "\(result.organizationID): not changed, \(reason)."
            case .refused(let violations):
                "\(result.organizationID): not changed. " + violations.map(\.sentence).joined(separator: " ")
            }
        }
        return try await organizationsPage(request, parameters: parameters, message: message, errors: refusals)
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
