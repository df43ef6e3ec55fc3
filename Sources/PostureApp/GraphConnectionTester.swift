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
        do {
            graphCredential = try ConnectionCollection.credential(credential)
        } catch {
            return ConnectionCheckReport(signInProblem: error.description, probes: [])
        }
        return await ConnectionCheck(
            tenantID: settings.tenantID,
            clientID: settings.clientID,
            credential: graphCredential,
            loginURL: settings.effectiveLoginURL,
            graphURL: settings.effectiveGraphURL,
            exchangeURL: settings.effectiveExchangeURL,
            defenderURL: settings.effectiveDefenderURL,
            sources: settings.sources
        ).run()
    }

    public func checkPlanner(
        _ planner: PlannerSettings,
        _ settings: ConnectionSettings,
        _ credential: ConnectionCredential
    ) async -> ConnectionCheckReport.Outcome {
        await PlannerTaskSender().check(planner, connection: settings, credential: credential)
    }
}

/// Collects connections with the Graph collector, for the scheduler.
public struct GraphConnectionCollector: ConnectionCollecting {
    let catalog: Catalog
    let resolver: DNSResolver?

    public init(catalog: Catalog, resolver: DNSResolver?) {
        self.catalog = catalog
        self.resolver = resolver
    }

    public func collect(_ settings: ConnectionSettings, _ credential: ConnectionCredential) async -> CollectionHarvest {
        let graphCredential: GraphCredential
        do {
            graphCredential = try ConnectionCollection.credential(credential)
        } catch {
            return .failed(error.description)
        }
        return await ConnectionCollection(
            settings: settings,
            credential: graphCredential,
            catalog: catalog,
            resolver: resolver
        ).run()
    }
}
