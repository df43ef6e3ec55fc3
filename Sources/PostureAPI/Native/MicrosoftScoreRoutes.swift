import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Microsoft's own Secure Score as imported by `posture import microsoft-secure-score`: its
/// daily history and the reconciliation of its latest day with Posture's score.
struct MicrosoftScoreRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("microsoft-secure-score", use: show)
    }

    struct Day: Encodable {
        var day: String
        var currentScore: Double
        var maxScore: Double
        var percentage: Double
    }

    struct Document: Encodable {
        var days: [Day]
        /// Microsoft's latest day beside Posture's current score; absent before any import.
        var reconciliation: [ReconciliationLine]?
        var postureScore: Double?
        var postureMaxScore: Double?
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let history = try await service.microsoftHistory(id, withControls: false)
        let reconciliation = try await service.microsoftReconciliation(id)
        return try JSONResponse.encode(
            Document(
                days: history.map {
                    Day(
                        day: $0.day.description,
                        currentScore: $0.currentScore,
                        maxScore: $0.maxScore,
                        percentage: $0.maxScore > 0 ? $0.currentScore / $0.maxScore * 100 : 0
                    )
                },
                reconciliation: reconciliation?.lines,
                postureScore: reconciliation?.posture.currentScore,
                postureMaxScore: reconciliation?.posture.maxScore
            )
        )
    }
}
