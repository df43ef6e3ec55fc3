import Foundation
import PostureCollector
import PostureCore
import PostureServices

/// Tests connections with the Graph collector's client: the same sign-in and requests a
/// collection makes, so a passing test means a collection can read what it needs.
public struct GraphConnectionTester: ConnectionTesting {
    public init() {}

    public func check(_ settings: ConnectionSettings, _ credential: ConnectionCredential) async -> ConnectionCheckReport
    {
        let graphCredential: GraphCredential
        switch credential {
        case .secret(let secret): graphCredential = .secret(secret)
        case .certificate(let pem):
            do {
                graphCredential = .certificate(try CertificateKey(pem: pem))
            } catch {
                return ConnectionCheckReport(signInProblem: error.description, probes: [])
            }
        }
        return await ConnectionCheck(
            tenantID: settings.tenantID,
            clientID: settings.clientID,
            credential: graphCredential,
            loginURL: settings.effectiveLoginURL,
            graphURL: settings.effectiveGraphURL,
            sources: settings.sources
        ).run()
    }
}
