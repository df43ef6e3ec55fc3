import Foundation
import PostureAPI
import PostureCore
import Vapor

/// The providers people sign in through, and what the sign-in needs from each over the network:
/// its discovery document (cached an hour), the code exchange at its token endpoint, and the ID
/// token's signature with its published keys.
struct OpenIDProviders: Sendable {
    struct Provider: Sendable {
        var configuration: ExternalIssuer
        var settings: SignInSettings
        var keys: IssuerKeys
        var metadata: ProviderMetadataCache
    }

    let providers: [Provider]
    let client: any Client

    init(issuers: [ExternalIssuer], client: any Client, clock: PostureClock) {
        self.client = client
        providers = issuers.compactMap { issuer in
            issuer.signIn.map { settings in
                Provider(
                    configuration: issuer,
                    settings: settings,
                    keys: IssuerKeys(configuration: issuer, client: client, clock: clock),
                    metadata: ProviderMetadataCache(configuration: issuer, client: client, clock: clock)
                )
            }
        }
    }

    var isEmpty: Bool { providers.isEmpty }

    func provider(issuer: String) -> Provider? {
        providers.first { $0.configuration.issuer == issuer }
    }

    /// Why a sign-in failed, in words for the person; logged without secrets.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Exchanges the authorization code (with the PKCE verifier) for the ID token.
    func exchange(
        code: String,
        verifier: String,
        redirectURI: String,
        provider: Provider,
        metadata: ProviderMetadata
    ) async throws -> String {
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        headers.replaceOrAdd(name: .accept, value: "application/json")
        var form: [(String, String)] = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", verifier), ("client_id", provider.settings.clientID),
        ]
        if let secret = provider.settings.clientSecret { form.append(("client_secret", secret)) }
        let body = form.map { "\($0.0)=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        let response: ClientResponse
        do {
            response = try await client.post(URI(string: metadata.tokenEndpoint), headers: headers) {
                $0.body = ByteBuffer(string: body)
                $0.timeout = .seconds(10)
            }
        } catch {
            throw Failure("the provider's token endpoint could not be reached")
        }
        let document = response.body.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any]
        }
        guard response.status == .ok else {
            // The provider's own words (e.g. invalid_grant for a code used twice), cut short.
            let reason = [document?["error"] as? String, document?["error_description"] as? String]
                .compactMap { $0 }.joined(separator: ": ")
            throw Failure(
                "the provider refused the sign-in code (\(response.status.code)\(reason.isEmpty ? "" : ", " + String(reason.prefix(200))))"
            )
        }
        guard let idToken = document?["id_token"] as? String, !idToken.isEmpty else {
            throw Failure("the provider's answer holds no ID token (is the openid scope allowed?)")
        }
        return idToken
    }

    /// The ID token's claims once its signature, issuer, audience, expiry and nonce are checked.
    func verify(idToken: String, provider: Provider, nonce: String, now: Date) async throws -> JSONObject {
        let claims: JSONObject
        do {
            claims = try await provider.keys.verifiedClaims(idToken)
        } catch {
            throw Failure("the ID token could not be verified: \(error.description)")
        }
        if let problem = IDTokenCheck.problem(
            claims: claims,
            issuer: provider.configuration,
            clientID: provider.settings.clientID,
            nonce: nonce,
            now: now
        ) {
            throw Failure(problem.description)
        }
        return claims
    }

    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}

/// What a provider's discovery document says about where to send people.
struct ProviderMetadata: Sendable, Equatable {
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var endSessionEndpoint: String?
}

/// One provider's discovery document, fetched when first needed and again after an hour; a
/// provider that cannot be reached fails its sign-ins only. Callers at the same moment share one
/// fetch, and a failure is remembered for half a minute, so anonymous requests cannot make Posture
/// call a provider that is down once each.
actor ProviderMetadataCache {
    static let maximumAge: TimeInterval = 3600
    static let failureAge: TimeInterval = 30
    let configuration: ExternalIssuer
    let client: any Client
    let clock: PostureClock
    private var cached: (metadata: ProviderMetadata, at: Date)?
    private var failed: (failure: OpenIDProviders.Failure, at: Date)?
    private var inFlight: Task<ProviderMetadata, any Error>?

    init(configuration: ExternalIssuer, client: any Client, clock: PostureClock) {
        self.configuration = configuration
        self.client = client
        self.clock = clock
    }

    func metadata() async throws -> ProviderMetadata {
        let now = clock.now()
        if let cached, now.timeIntervalSince(cached.at) < Self.maximumAge { return cached.metadata }
        if let failed, now.timeIntervalSince(failed.at) < Self.failureAge { throw failed.failure }
        let task =
            inFlight
            ?? Task { [configuration, client] in try await Self.fetch(configuration: configuration, client: client) }
        inFlight = task
        defer { inFlight = nil }
        do {
            let metadata = try await task.value
            cached = (metadata, now)
            failed = nil
            return metadata
        } catch let failure as OpenIDProviders.Failure {
            failed = (failure, now)
            throw failure
        }
    }

    static func fetch(configuration: ExternalIssuer, client: any Client) async throws -> ProviderMetadata {
        let url = configuration.discoveryDocumentURL
        let response: ClientResponse
        do {
            response = try await client.get(URI(string: url)) { $0.timeout = .seconds(10) }
        } catch {
            throw OpenIDProviders.Failure("the provider's discovery document (\(url)) could not be read")
        }
        guard response.status == .ok, let body = response.body,
            let document = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else {
            throw OpenIDProviders.Failure(
                "the provider's discovery document (\(url)) answered \(response.status.code), not a JSON document"
            )
        }
        return try read(document, configuration: configuration)
    }

    /// The endpoints, each over TLS (plain HTTP only on this machine), from a document whose
    /// `issuer` is the configured one: a document for another issuer is someone else's.
    static func read(_ document: [String: Any], configuration: ExternalIssuer) throws -> ProviderMetadata {
        guard let issuer = document["issuer"] as? String, issuer == configuration.issuer else {
            throw OpenIDProviders.Failure(
                "the discovery document names the issuer \"\(document["issuer"] as? String ?? "")\", but the issuers file says \"\(configuration.issuer)\""
            )
        }
        func endpoint(_ name: String) throws -> String {
            guard let url = document[name] as? String, ExternalIssuer.isTrustedURL(url) else {
                throw OpenIDProviders.Failure("the discovery document has no usable \(name)")
            }
            return url
        }
        return ProviderMetadata(
            authorizationEndpoint: try endpoint("authorization_endpoint"),
            tokenEndpoint: try endpoint("token_endpoint"),
            endSessionEndpoint: (document["end_session_endpoint"] as? String).flatMap {
                ExternalIssuer.isTrustedURL($0) ? $0 : nil
            }
        )
    }
}

/// PKCE (RFC 7636): the challenge sent with the authorization request is the SHA-256 of the
/// verifier kept here, base64url without padding.
enum PKCE {
    static func challenge(_ verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
