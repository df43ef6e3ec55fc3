import Fluent
import Foundation
import PostureCore
import PostureStore
import Vapor

extension PostureRuntime {
    /// Prepares a server start: seeds the demo on an empty database, fills the days missed while
    /// the server was down and schedules the daily sync.
    public func prepareServer(clock: PostureClock) async throws -> String? {
        let logger = application.logger
        var note: String?
        let today = CivilDay(clock.now())
        if configuration.demo, try await service.store.organizations().isEmpty {
            try await service.seedDemo(endDay: today, days: configuration.demoDays)
            note =
                "created the demo organization \"\(DemoHistory.organization.id)\" with \(configuration.demoDays) days of history"
        }
        let filled = try await service.fillMissedDays(through: today.adding(days: -1))
        if filled.daysFilled > 0 {
            logger.notice("filled days missed while the server was down", metadata: ["days": "\(filled.daysFilled)"])
        }
        application.lifecycle.use(
            SyncScheduler(service: service, minuteOfDay: configuration.syncMinuteOfDay, clock: clock, logger: logger)
        )
        return note
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
        try await application.autoMigrate()
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
