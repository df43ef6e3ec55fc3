import Foundation
import PostureEvidence

/// Downloads Microsoft's own Secure Score from Graph (`SecurityEvents.Read.All`): every daily
/// entry Graph still has (about 90 days) and the control profiles.
public struct SecureScoreDownload: Sendable {
    let client: GraphClient

    public init(
        tenantID: String,
        clientID: String,
        credential: GraphCredential,
        loginURL: String = "https://login.microsoftonline.com",
        graphURL: String = "https://graph.microsoft.com",
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        client = GraphClient(
            tenantID: tenantID,
            clientID: clientID,
            credential: credential,
            loginURL: loginURL,
            graphURL: graphURL,
            sleep: sleep
        )
    }

    init(client: GraphClient) {
        self.client = client
    }

    /// Both collections as Graph collection JSON, the same files `--from DIR` reads.
    public func download() async throws(CollectorError) -> (scores: Data, profiles: Data) {
        let scores = try await client.collection("/security/secureScores") { _, _ in }
        let profiles = try await client.collection("/security/secureScoreControlProfiles") { _, _ in }
        return (
            try M365Collector.json(["value": scores.items]),
            try M365Collector.json(["value": profiles.items])
        )
    }
}
