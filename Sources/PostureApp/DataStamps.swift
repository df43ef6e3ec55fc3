import FluentPostgresDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import PostureAPI
import PostureCore
import PostureStore
import Vapor

/// Data stamps for the response cache on SQLite.
enum DataStamps {
    /// The versions every committed write moves in the database itself (migration 032), read on
    /// the calling thread: a write by this process or another one on the same file (the CLI beside
    /// the server) moves the stamps of the organization it wrote to and of none other.
    static func sqlite(_ store: PostureStore) -> DataStamp {
        DataStamp { organizationID in store.dataVersion(of: organizationID.map { OrganizationID($0) }) }
    }
}

/// Listens on PostgreSQL's change channel so a node learns about writes made by the others.
/// While it is not listening (starting, or reconnecting after an error) the stamp is nil and the
/// response cache stays out of the way.
final class PostgresChangeListener: LifecycleHandler, Sendable {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let state = NIOLockedValueBox<(generation: UInt64, listening: Bool, task: Task<Void, Never>?)>(
        (0, false, nil)
    )

    private let changes: ChangeSignal

    init(configuration: PostgresConnection.Configuration, changes: ChangeSignal, logger: Logger) {
        self.configuration = configuration
        self.changes = changes
        self.logger = logger
    }

    /// Notifications name the organization written to (empty for none), so the other nodes move
    /// only that organization's stamp, as the writing node does.
    var stamp: DataStamp {
        DataStamp { [state, changes] organizationID in
            let current = state.withLockedValue { $0 }
            guard current.listening else { return nil }
            let value = organizationID.map { changes.value(for: OrganizationID($0)) } ?? changes.value
            return current.generation &* 0x9E37_79B9_7F4A_7C15 &+ value
        }
    }

    func didBootAsync(_ application: Application) async throws {
        let eventLoop = application.eventLoopGroup.any()
        let task = Task { [state, configuration, changes, logger] in
            var attempt = 0
            while !Task.isCancelled {
                var failure: (any Error)?
                do {
                    let connection = try await PostgresConnection.connect(
                        on: eventLoop,
                        configuration: configuration,
                        id: 1,
                        logger: logger
                    ).get()
                    attempt = 0
                    do {
                        try await connection.listen(on: PostureStore.changeChannel) { notifications in
                            // Anything written before we listened is covered by moving the generation now.
                            state.withLockedValue {
                                $0.generation &+= 1
                                $0.listening = true
                            }
                            for try await notification in notifications {
                                changes.bump(notification.payload.isEmpty ? nil : OrganizationID(notification.payload))
                            }
                        }
                    } catch {
                        failure = error
                    }
                    // Closed on every path: PostgresNIO insists, and the future is not cancelled with us.
                    try? await (connection.close() as EventLoopFuture<Void>).get()
                } catch {
                    failure = error
                }
                state.withLockedValue { $0.listening = false }
                if Task.isCancelled { break }
                if let failure {
                    logger.warning("change listener lost its connection; retrying", metadata: ["error": "\(failure)"])
                }
                attempt += 1
                try? await Task.sleep(nanoseconds: UInt64(min(30, attempt)) * 1_000_000_000)
            }
        }
        state.withLockedValue { $0.task = task }
    }

    func shutdownAsync(_ application: Application) async {
        let task = state.withLockedValue {
            $0.listening = false
            return $0.task
        }
        task?.cancel()
        // Wait, so the connection is closed before the event loops stop.
        await task?.value
    }
}
