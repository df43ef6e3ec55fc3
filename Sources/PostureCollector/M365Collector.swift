import Foundation
import PostureCore
import PostureEvidence

#if canImport(Glibc)
import Glibc
#endif

/// Collects a Microsoft 365 evidence snapshot from Microsoft Graph. A resource that fails is
/// recorded in the manifest with Graph's reason and the others are still collected.
public struct M365Collector: Sendable {
    public static let version = "posture-collector/1.0"

    public enum Progress: Sendable {
        /// A page of a resource arrived: items so far, pages so far.
        case page(M365Resource, index: Int, of: Int, items: Int, pages: Int)
        case collected(M365Resource, index: Int, of: Int, items: Int)
        case failed(M365Resource, index: Int, of: Int, reason: String)
    }

    /// The collected snapshot: the manifest and each resource's Graph JSON, ready to write or send.
    public struct Result: Sendable {
        public var manifest: EvidenceManifest
        public var resources: [(M365Resource, Data)]
        public var itemCounts: [M365Resource: Int]

        public var manifestData: Data { manifest.json(itemCounts: itemCounts).jsonData }

        /// Writes `manifest.json` and one file per resource into `directory`, removing the files of
        /// resources this collection did not get, so an earlier snapshot's file is never read as new.
        /// Evidence names every user and administrator of the tenant: the folder is 0700 and each
        /// file 0600, whatever the umask.
        public func write(to directory: URL) throws {
            try FileManager.default.createDirectory(
                at: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
            let collected = Set(resources.map(\.0))
            for resource in M365Resource.allCases where !collected.contains(resource) {
                let stale = directory.appendingPathComponent(resource.fileName)
                if FileManager.default.fileExists(atPath: stale.path) { try FileManager.default.removeItem(at: stale) }
            }
            for (resource, data) in resources {
                try Self.writePrivately(data, to: directory.appendingPathComponent(resource.fileName))
            }
            // The manifest last: a directory with a manifest is a complete snapshot.
            try Self.writePrivately(manifestData, to: directory.appendingPathComponent(M365Snapshot.manifestFile))
        }

        /// Writes a 0600 file beside the target and renames it over, so a reader never sees half a
        /// file and the content is never readable by others, not even for an instant.
        static func writePrivately(_ data: Data, to url: URL) throws {
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
            try? FileManager.default.removeItem(at: temporary)
            guard
                FileManager.default.createFile(
                    atPath: temporary.path,
                    contents: data,
                    attributes: [.posixPermissions: 0o600]
                )
            else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
            if rename(temporary.path, url.path) != 0 {
                try? FileManager.default.removeItem(at: temporary)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }

        public var bundle: Data { M365Snapshot.bundle(manifest: manifestData, resources: resources) }
    }

    let client: GraphClient
    let tenantID: String
    let now: @Sendable () -> Date
    /// Looks up the accepted domains' TXT records; without one they are not read.
    let resolver: DNSResolver?

    public init(
        tenantID: String,
        clientID: String,
        credential: GraphCredential,
        loginURL: String = "https://login.microsoftonline.com",
        graphURL: String = "https://graph.microsoft.com",
        exchangeURL: String = MicrosoftCloud.commercial.exchangeURL,
        defenderURL: String? = MicrosoftCloud.commercial.defenderURL,
        resolver: DNSResolver?,
        now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        self.tenantID = tenantID
        self.now = now
        self.resolver = resolver
        client = GraphClient(
            tenantID: tenantID,
            clientID: clientID,
            credential: credential,
            loginURL: loginURL,
            graphURL: graphURL,
            exchangeURL: exchangeURL,
            defenderURL: defenderURL,
            sleep: sleep
        )
    }

    /// A collector on a client another reader shares (one sign-in for a whole connection).
    init(client: GraphClient, resolver: DNSResolver?, now: @escaping @Sendable () -> Date) {
        self.client = client
        tenantID = client.settings.tenantID
        self.resolver = resolver
        self.now = now
    }

    /// How many token requests were made (a renewal after expiry makes two).
    public var tokenRequests: Int { client.tokenRequests }

    /// Collects every resource of `sources`. Throws only when no token can be had at all.
    public func collect(
        sources: [ConnectionSource] = ConnectionSource.allCases,
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws(CollectorError)
        -> Result
    {
        let collectedAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        _ = try await client.acquireToken()
        var resources: [(M365Resource, Data)] = []
        var counts: [M365Resource: Int] = [:]
        var failures: [M365Resource: String] = [:]
        var collected: [M365Resource: [Any]] = [:]
        // Group members and compliance statuses come last: they are read per group the policies
        // and role assignments name, and per compliance policy.
        let assembled: Set<M365Resource> = [.groupMembers, .deviceComplianceStatuses, .spfRecords]
        let wanted = M365Resource.allCases.filter { sources.contains($0.source) }
        let order = wanted.filter { !assembled.contains($0) } + wanted.filter { assembled.contains($0) }
        for (offset, resource) in order.enumerated() {
            let index = offset + 1
            do throws(CollectorError) {
                let (data, items) =
                    switch resource {
                    case .groupMembers:
                        try await groupMembers(collected, index: index, of: order.count, progress: progress)
                    case .deviceComplianceStatuses:
                        try await complianceStatuses(collected, index: index, of: order.count, progress: progress)
                    case .spfRecords:
                        try await textRecords(collected)
                    default:
                        try await fetch(resource, index: index, of: order.count, progress: progress)
                    }
                resources.append((resource, data))
                counts[resource] = items.count
                collected[resource] = items
                progress(.collected(resource, index: index, of: order.count, items: items.count))
            } catch {
                failures[resource] = error.description
                progress(.failed(resource, index: index, of: order.count, reason: error.description))
            }
        }
        return Result(
            manifest: EvidenceManifest(
                tenantID: tenantID,
                collectedAt: collectedAt,
                collectorVersion: Self.version,
                failures: failures
            ),
            resources: resources.sorted { $0.0 < $1.0 },
            itemCounts: counts
        )
    }

    private func fetch(
        _ resource: M365Resource,
        index: Int,
        of total: Int,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws(CollectorError) -> (Data, [Any]) {
        let onPage: @Sendable (Int, Int) -> Void = { items, pages in
            progress(.page(resource, index: index, of: total, items: items, pages: pages))
        }
        var path: String
        var defender = false
        switch resource.request {
        case .exchange(let cmdlet, let parameters):
            let items = try await client.invoke(cmdlet, parameters: parameters)
            onPage(items.count, 1)
            return (try Self.json(["value": items]), items)
        case .defender(let target):
            path = target
            defender = true
        case .graph(let target):
            path = target
        case .dnsText:
            throw .unavailable("read from DNS after the accepted domains")
        }
        guard resource.isCollection else {
            let object = try await client.get(path)
            return (try Self.json(object), [object])
        }
        var page: (context: Any?, items: [Any])
        do {
            page = try await client.collection(path, defender: defender, onPage: onPage)
        } catch .http(let status, _) where resource == .users && status == 403 {
            // Sign-in activity needs Entra ID P1 and AuditLog.Read.All; collect users without it.
            path = path.replacingOccurrences(of: ",signInActivity", with: "").replacingOccurrences(
                of: "$top=120",
                with: "$top=999"
            )
            page = try await client.collection(path, onPage: onPage)
        }
        if resource == .secureConfigurationAssessments {
            // Every device times every configuration: keep the rows of the configurations scored.
            let wanted = M365Assessment.defenderConfigurations
            page.items = page.items.filter { row in
                ((row as? [String: Any])?["configurationId"] as? String).map(wanted.contains) ?? false
            }
        }
        var envelope: [String: Any] = ["value": page.items]
        if let context = page.context { envelope["@odata.context"] = context }
        return (try Self.json(envelope), page.items)
    }

    /// Transitive members of every group a Conditional Access policy or role assignment names.
    private func groupMembers(
        _ collected: [M365Resource: [Any]],
        index: Int,
        of total: Int,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws(CollectorError) -> (Data, [Any]) {
        guard collected[.conditionalAccessPolicies] != nil || collected[.roleAssignments] != nil else {
            throw .http(
                status: 0,
                message: "needs conditionalAccessPolicies or roleAssignments, and neither was collected"
            )
        }
        let known = Set(
            ((collected[.users] ?? []) + (collected[.servicePrincipals] ?? [])).compactMap {
                ($0 as? [String: Any])?["id"] as? String
            }
        )
        var groups: [String] = []
        for case let policy as [String: Any] in collected[.conditionalAccessPolicies] ?? [] {
            let users = (policy["conditions"] as? [String: Any])?["users"] as? [String: Any]
            groups += users?["includeGroups"] as? [String] ?? []
            groups += users?["excludeGroups"] as? [String] ?? []
        }
        // A role assigned (or made eligible) to something that is neither a user nor an app is a
        // role-assignable group.
        for case let assignment as [String: Any] in (collected[.roleAssignments] ?? [])
            + (collected[.roleEligibilitySchedules] ?? [])
        {
            if let principal = assignment["principalId"] as? String, !known.contains(principal) {
                groups.append(principal)
            }
        }
        var seen = Set<String>()
        var entries: [Any] = []
        for group in groups where seen.insert(group).inserted {
            do throws(CollectorError) {
                let path = "/groups/\(group)/transitiveMembers?$select=id"
                let members = try await client.collection(path) { items, pages in
                    progress(.page(.groupMembers, index: index, of: total, items: items, pages: pages))
                }
                entries.append(["id": group, "members": members.items])
            } catch .http(status: 404, _) {
                continue  // not a group after all (a deleted principal, say)
            }
        }
        return (try Self.json(["value": entries]), entries)
    }

    /// The TXT records of every accepted domain, eight lookups at a time. A domain DNS does not
    /// answer for is recorded with the reason; the initial onmicrosoft.com domain is Microsoft's
    /// and not looked up.
    private func textRecords(_ collected: [M365Resource: [Any]]) async throws(CollectorError) -> (Data, [Any]) {
        guard let resolver else { throw .unavailable("no DNS server is configured") }
        guard let accepted = collected[.acceptedDomains] else {
            throw .unavailable("needs acceptedDomains, which was not collected")
        }
        let domains = accepted.compactMap { item -> String? in
            guard let domain = item as? [String: Any], domain["InitialDomain"] as? Bool != true,
                let name = domain["DomainName"] as? String, !name.lowercased().hasSuffix(".onmicrosoft.com")
            else { return nil }
            return name
        }
        guard domains.count <= Self.domainLimit else {
            throw .unavailable("\(domains.count) accepted domains; at most \(Self.domainLimit) are looked up")
        }
        let answers = await withTaskGroup(of: (Int, Swift.Result<[String], CollectorError>).self) { group in
            var results: [(Int, Swift.Result<[String], CollectorError>)] = []
            for (index, domain) in domains.enumerated() {
                if index >= 8, let next = await group.next() { results.append(next) }
                group.addTask {
                    do throws(CollectorError) {
                        return (index, .success(try await resolver.textRecords(domain)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let entries: [Any] = zip(domains, answers).map { domain, answer -> [String: Any] in
            switch answer {
            case .success(let records): ["domain": domain, "records": records]
            case .failure(let error): ["domain": domain, "error": error.description]
            }
        }
        return (try Self.json(["value": entries]), entries)
    }

    /// Accepted domains a collection looks up at most.
    static let domainLimit = 1_000

    /// The devices each compliance policy was evaluated on.
    private func complianceStatuses(
        _ collected: [M365Resource: [Any]],
        index: Int,
        of total: Int,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws(CollectorError) -> (Data, [Any]) {
        guard let policies = collected[.deviceCompliancePolicies] else {
            throw .unavailable("needs deviceCompliancePolicies, which was not collected")
        }
        var entries: [Any] = []
        for case let policy as [String: Any] in policies {
            guard let id = policy["id"] as? String else { continue }
            let path = "/deviceManagement/deviceCompliancePolicies/\(id)/deviceStatuses"
            let statuses = try await client.collection(path) { items, pages in
                progress(.page(.deviceComplianceStatuses, index: index, of: total, items: items, pages: pages))
            }
            entries.append(["id": id, "statuses": statuses.items])
        }
        return (try Self.json(["value": entries]), entries)
    }

    static func json(_ object: Any) throws(CollectorError) -> Data {
        do {
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw .http(status: 200, message: "the answer cannot be stored as JSON (\(error))")
        }
    }
}
