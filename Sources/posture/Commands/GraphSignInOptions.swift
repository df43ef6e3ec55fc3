import ArgumentParser
import Foundation
import PostureCollector
import PostureCore

/// How `collect` and `import` sign in as an app registration, and the services' endpoints.
struct GraphSignInOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Entra ID tenant id (a GUID) or its primary domain.", valueName: "id"))
    var tenantID: String?
    @Option(help: ArgumentHelp("Application (client) id of the app registration.", valueName: "id"))
    var clientID: String?
    @Option(help: ArgumentHelp("Client secret (better: POSTURE_GRAPH_CLIENT_SECRET).", valueName: "secret"))
    var clientSecret: String?
    @Option(help: ArgumentHelp("PEM with the certificate and its RSA private key.", valueName: "pem"))
    var certificate: String?
    @Option(
        help: ArgumentHelp(
            "The tenant's cloud, which chooses every endpoint: "
                + MicrosoftCloud.allCases.map(\.rawValue).joined(separator: ", ") + ".",
            valueName: "cloud"
        )
    )
    var cloud = "commercial"
    @Option(help: ArgumentHelp("Sign-in endpoint instead of the cloud's.", valueName: "url"))
    var loginURL: String?
    @Option(help: ArgumentHelp("Microsoft Graph endpoint instead of the cloud's.", valueName: "url"))
    var graphURL: String?
    @Option(help: ArgumentHelp("Exchange Online admin endpoint instead of the cloud's.", valueName: "url"))
    var exchangeURL: String?
    @Option(help: ArgumentHelp("Defender for Endpoint API endpoint instead of the cloud's.", valueName: "url"))
    var defenderURL: String?

    /// The endpoints in use: the ones given, else the cloud's (no Defender where it has none).
    var endpoints: ConnectionSettings {
        ConnectionSettings(
            tenantID: tenantID ?? "",
            clientID: clientID ?? "",
            credentialKind: .secret,
            cloud: MicrosoftCloud(rawValue: cloud) ?? .commercial,
            loginURL: loginURL,
            graphURL: graphURL,
            exchangeURL: exchangeURL,
            defenderURL: defenderURL
        )
    }

    var secret: String? { clientSecret ?? ProcessInfo.processInfo.environment["POSTURE_GRAPH_CLIENT_SECRET"] }

    /// Whether any sign-in option was given (`import` signs in only to read Graph live).
    var given: Bool { tenantID != nil || clientID != nil }

    /// Checks a complete sign-in: tenant, client, exactly one credential, and URLs that may carry
    /// secrets (https only, except on this machine).
    func check() throws {
        guard tenantID != nil, clientID != nil else {
            throw ValidationError("signing in to Graph needs --tenant-id and --client-id")
        }
        if (secret == nil) == (certificate == nil) {
            throw ValidationError(
                "give either --client-secret (or POSTURE_GRAPH_CLIENT_SECRET) or --certificate, not both or neither"
            )
        }
        do {
            _ = try MicrosoftCloud.named(cloud)
        } catch {
            throw ValidationError("--cloud " + error.message)
        }
        for (name, given) in [
            ("--login-url", loginURL), ("--graph-url", graphURL), ("--exchange-url", exchangeURL),
            ("--defender-url", defenderURL),
        ] {
            guard let value = given else { continue }
            guard let url = URL(string: value), let host = url.host, let scheme = url.scheme,
                scheme == "https" || (scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host))
            else {
                throw ValidationError("\(name) must be an https URL (http only on this machine), got \"\(value)\"")
            }
        }
    }

    /// The credential, reading the certificate file when one was named; failures end the command.
    func credential() throws -> GraphCredential {
        guard let certificate else { return .secret(secret ?? "") }
        guard let pem = try? String(contentsOfFile: certificate, encoding: .utf8) else {
            Console.error("\(certificate): cannot read the certificate file")
            throw ExitCode(1)
        }
        do {
            return .certificate(try CertificateKey(pem: pem))
        } catch {
            Console.error("\(certificate): \(error.description)")
            throw ExitCode(1)
        }
    }
}
