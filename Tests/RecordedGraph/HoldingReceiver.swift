import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A webhook receiver on 127.0.0.1 that holds its first request open for `holdFirst` seconds
/// (so its sender can be stopped between sending and hearing the answer) and answers the others
/// at once; it keeps every request's `webhook-id` and body.
public final class HoldingReceiver: Sendable {
    let app: Application
    public let url: String
    let seen = NIOLockedValueBox<[(id: String, body: String)]>([])

    /// Every request so far: its `webhook-id` and body.
    public var requests: [(id: String, body: String)] { seen.withLockedValue { $0 } }

    public init(holdFirst: Double) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        self.app = app
        let seen = self.seen
        app.on(.POST, "hook", body: .collect(maxSize: "64kb")) { request -> EventLoopFuture<Response> in
            let first = seen.withLockedValue { list -> Bool in
                list.append((request.headers.first(name: "webhook-id") ?? "", request.body.string ?? ""))
                return list.count == 1
            }
            let delay = first ? Int64(holdFirst * 1000) : 0
            return request.eventLoop.scheduleTask(in: .milliseconds(delay)) { Response(status: .ok) }.futureResult
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        url = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)/hook"
    }

    public func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}
