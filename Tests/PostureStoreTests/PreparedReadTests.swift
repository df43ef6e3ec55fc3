import Testing

@testable import PostureStore

/// The prepared reads' text serves both databases only when `$1`, `$2`… first appear in order
/// (SQLite numbers them by first appearance).
@Suite struct PreparedReadTests {
    struct OutOfOrder: PreparedRead {
        static let sql = "SELECT 1 FROM organizations WHERE id = $2 AND display_name = $1"
        var binds: [PreparedBind] = []
    }

    struct Repeated: PreparedRead {
        static let sql = "SELECT 1 FROM organizations WHERE id = $1 OR display_name = $1 OR region = $2"
        var binds: [PreparedBind] = []
    }

    @Test func theReadsNumberTheirParametersInOrder() {
        #expect(ScoreViewRead.parametersInOrder)
        #expect(NewestSecureScoreRead.parametersInOrder)
        #expect(OrganizationRead.parametersInOrder)
        #expect(SessionWithUserRead.parametersInOrder)
        #expect(Repeated.parametersInOrder)
        #expect(!OutOfOrder.parametersInOrder)
    }

    @Test func eachReadIsPreparedUnderItsOwnName() {
        #expect(ScoreViewRead.name == "posture_ScoreViewRead")
        #expect(ScoreViewRead.name != NewestSecureScoreRead.name)
    }
}
