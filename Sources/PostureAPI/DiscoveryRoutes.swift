import Foundation
import PostureCore
import Vapor

/// The public keys that verify Posture's tokens, and an OpenID-style discovery document pointing
/// at them, so other services can check tokens without sharing a secret.
struct DiscoveryRoutes {
    let dependencies: APIDependencies

    func register(on routes: any RoutesBuilder) {
        let wellKnown = routes.grouped(".well-known")
        wellKnown.get("jwks.json") { _ in JSONResponse.make(dependencies.tokens.jwks) }
        wellKnown.get("openid-configuration") { request in
            let base = request.baseURL(dependencies.publicBaseURL)
            return JSONResponse.make(
                .object(
                    JSONObject([
                        ("issuer", .string(TokenService.issuer)),
                        ("jwks_uri", .string("\(base)/.well-known/jwks.json")),
                        ("token_endpoint", .string("\(base)/oauth2/v2.0/token")),
                        ("grant_types_supported", .array([.string("client_credentials")])),
                        ("token_endpoint_auth_methods_supported", .array([.string("client_secret_post")])),
                        ("id_token_signing_alg_values_supported", .array([.string("ES256")])),
                        ("token_endpoint_auth_signing_alg_values_supported", .array([.string("ES256")])),
                        (
                            "scopes_supported",
                            .array(APIScope.allCases.map { .string($0.rawValue) })
                        ),
                        ("response_types_supported", .array([.string("token")])),
                        ("subject_types_supported", .array([.string("public")])),
                    ])
                )
            )
        }
    }
}
