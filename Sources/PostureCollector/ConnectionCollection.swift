import Foundation
import PostureCore
import PostureEvidence

/// One scheduled collection of a connection: signs in once, reads the configuration of its
/// sources and assesses it with the same assessors as `posture assess`, and downloads Microsoft's
/// own Secure Score when the connection has that source. Stores nothing.
public struct ConnectionCollection: Sendable {
    let client: GraphClient
    let sources: [ConnectionSource]
    let catalog: Catalog
    let resolver: DNSResolver?
    let now: @Sendable () -> Date

    public init(
        settings: ConnectionSettings,
        credential: GraphCredential,
        catalog: Catalog,
        resolver: DNSResolver?,
        now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        client = GraphClient(
            tenantID: settings.tenantID,
            clientID: settings.clientID,
            credential: credential,
            loginURL: settings.effectiveLoginURL,
            graphURL: settings.effectiveGraphURL,
            exchangeURL: settings.effectiveExchangeURL,
            defenderURL: settings.effectiveDefenderURL,
            sleep: sleep
        )
        sources = settings.sources
        self.catalog = catalog
        self.resolver = resolver
        self.now = now
    }

    /// The settings' credential as the Graph client takes it; a certificate that does not parse is
    /// the collection's problem.
    public static func credential(_ credential: ConnectionCredential) throws(CollectorError) -> GraphCredential {
        switch credential {
        case .secret(let secret): .secret(secret)
        case .certificate(let pem): .certificate(try CertificateKey(pem: pem))
        }
    }

    public func run() async -> CollectionHarvest {
        var harvest = CollectionHarvest()
        let configuration = sources.filter { $0 != .secureScore }
        if !configuration.isEmpty {
            do {
                let result = try await M365Collector(client: client, resolver: resolver, now: now).collect(
                    sources: configuration
                )
                // The same bundle a push sends, decoded the same way: a scheduled collection and a
                // pushed one of the same tenant give the same measurements.
                let assessment = M365Assessment(
                    snapshot: try M365Snapshot.decode(bundle: result.bundle),
                    catalog: catalog
                )
                harvest.measurements = assessment.measurements
                harvest.resourcesCollected = result.resources.count
                for (resource, reason) in result.manifest.failures {
                    harvest.resourcesFailed[resource.rawValue] = reason
                }
            } catch let error as CollectorError {
                return finished(.failed(error.description, retryAfter: client.trafficSoFar.lastRetryAfter))
            } catch {
                return finished(.failed("the collected snapshot does not decode: \(error)"))
            }
        }
        if sources.contains(.secureScore) {
            do {
                let (scores, profiles) = try await SecureScoreDownload(client: client).download()
                let export = try MicrosoftSecureScoreExport.decode(scores: scores, profiles: profiles)
                harvest.microsoftScores = export.scores
                harvest.microsoftProfiles = export.profiles
                harvest.resourcesCollected += 2
            } catch {
                harvest.resourcesFailed["secureScores"] = "\(error)"
            }
        }
        if harvest.resourcesCollected == 0 {
            let first = harvest.resourcesFailed.sorted { $0.key < $1.key }.first
            harvest.problem = "no resource could be read" + (first.map { " (\($0.key): \($0.value))" } ?? "")
            harvest.retryAfter = client.trafficSoFar.lastRetryAfter
        }
        return finished(harvest)
    }

    private func finished(_ harvest: CollectionHarvest) -> CollectionHarvest {
        var harvest = harvest
        let traffic = client.trafficSoFar
        harvest.graphRequests = traffic.exchanges
        harvest.throttled = traffic.throttled
        return harvest
    }
}
