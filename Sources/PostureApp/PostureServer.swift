import Fluent
import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

extension PostureRuntime {
    /// Prepares a server start: seeds the demo on an empty database, fills the days missed while
    /// the server was down and schedules the daily sync.
    public func prepareServer(clock: PostureClock) async throws -> [String] {
        let logger = application.logger
        var notes: [String] = []
        if let password = try await createFirstAdministrator() {
            notes.append(
                """
                created the administrator "admin" with the one-time password \(password)
                  It is shown only now. Sign in at /signin and choose your own password.
                """
            )
        }
        let today = CivilDay(clock.now())
        if configuration.demo, try await service.organizations().isEmpty {
            try await service.seedDemo(endDay: today, days: configuration.demoDays, peers: configuration.demoPeers)
            notes.append(
                "created the demo organization \"\(DemoHistory.organization.id)\" with \(configuration.demoDays) days of history"
                    + (configuration.demoPeers > 0
                        ? " and \(counted(configuration.demoPeers, "anonymous peer")) for comparisons" : "")
            )
        }
        let filled = try await service.fillMissedDays(through: today.adding(days: -1))
        if filled.daysFilled > 0 {
            logger.notice("filled days missed while the server was down", metadata: ["days": "\(filled.daysFilled)"])
        }
        application.lifecycle.use(
            SyncScheduler(service: service, minuteOfDay: configuration.syncMinuteOfDay, clock: clock, logger: logger)
        )
        application.lifecycle.use(
            CollectionScheduler(
                service: service,
                collector: GraphConnectionCollector(catalog: service.catalog, resolver: configuration.dnsResolver),
                settings: .init(
                    concurrency: configuration.collectionConcurrency,
                    leaseSeconds: Double(configuration.collectionLeaseSeconds)
                ),
                metrics: collectionMetrics,
                logger: logger
            )
        )
        let senders = OutboundSenders.network(
            policy: service.outbound,
            extraTrustRoots: configuration.outboundTrustRoots,
            reports: reportPrinter
        )
        application.lifecycle.use(LockedPeriodicJob.alerts(service: service, logger: logger))
        application.lifecycle.use(LockedPeriodicJob.tickets(service: service, senders: senders, logger: logger))
        application.lifecycle.use(LockedPeriodicJob.digests(service: service, logger: logger))
        application.lifecycle.use(LockedPeriodicJob.reports(service: service, logger: logger))
        application.lifecycle.use(
            DeliveryScheduler(
                service: service,
                senders: senders,
                settings: .init(
                    concurrency: configuration.deliveryConcurrency,
                    leaseSeconds: Double(configuration.deliveryLeaseSeconds)
                ),
                logger: logger
            )
        )
        return notes
    }

    /// On an instance without people, creates the instance administrator `admin`, who must
    /// change the password at first sign-in. Returns the generated one-time password, or nil when
    /// it came from `POSTURE_ADMIN_PASSWORD` or people already exist.
    public func createFirstAdministrator() async throws -> String? {
        // Nodes starting together on one PostgreSQL take turns: only the first creates `admin`.
        let identity = identity
        let configuration = configuration
        let created: String?? = try await service.withJobLock("posture.first-administrator") {
            guard try await identity.userCount() == 0 else { return nil }
            let (_, password) = try await identity.addUser(
                "admin",
                displayName: "Administrator",
                instanceAdministrator: true,
                password: configuration.adminPassword,
                actor: "system"
            )
            return configuration.adminPassword == nil ? password : nil
        }
        return created ?? nil
    }
}

extension PostureRuntime {
    /// Serves until interrupted (SIGINT or SIGTERM), then shuts down cleanly.
    public func serve() async throws {
        application.environment.arguments = ["posture", "serve"]
        do {
            try await application.execute()
        } catch {
            try? await application.asyncShutdown()
            throw error
        }
        try await application.asyncShutdown()
    }

    public func shutdown() async throws {
        try await application.asyncShutdown()
    }
}

extension PostureRuntime {
    /// Applies pending migrations (the runtime was built with `migrate: false`).
    public func migrate() async throws {
        try await application.migrateAndSummarize()
    }

    /// Reverts every migration: an empty database again.
    public func revertMigrations() async throws {
        try await application.autoRevert()
    }
}

extension PostureRuntime {
    /// Starts the lifecycle handlers (the change listener, the scheduler) without serving HTTP.
    public func boot() async throws {
        try await application.asyncBoot()
    }
}
