import Crypto
import FluentKit
import Foundation
import PostureCore

/// One organization's daily snapshot. The breakdown by category and by action is JSON, packed
/// (``PackedText``) in `categories_packed` and `actions_packed` since migration 012; rows written
/// before hold it as plain text in `categories` and `actions`, and read back the same.
final class SnapshotRecord: Model, @unchecked Sendable {
    static let schema = "snapshots"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    /// `yyyy-MM-dd`, so it sorts and compares as text on both databases.
    @Field(key: "day") var day: String
    @Field(key: "score") var score: Double
    @Field(key: "max_score") var maxScore: Double
    @Field(key: "verified_score") var verifiedScore: Double
    @Field(key: "categories") var categories: String
    @Field(key: "actions") var actions: String
    @OptionalField(key: "categories_packed") var categoriesPacked: Data?
    @OptionalField(key: "actions_packed") var actionsPacked: Data?
    /// ``actionsFingerprint(_:)`` of the stored actions (migration 028); NULL on older rows.
    @OptionalField(key: "actions_hash") var actionsHash: Int64?
    @Field(key: "catalog_version") var catalogVersion: String
    @Field(key: "model_version") var modelVersion: String
    @Field(key: "filled") var filled: Bool
    @OptionalField(key: "licensed_user_count") var licensedUserCount: Int?
    @OptionalField(key: "active_user_count") var activeUserCount: Int?
    @Field(key: "created_at") var createdAt: Date
    // Denormalized for the cohort averages (migration 006): read by SQL aggregates, never decoded.
    @Field(key: "percentage") var percentage: Double
    @Field(key: "seats") var seats: Int
    @Field(key: "cat_identity_score") var identityScore: Double
    @Field(key: "cat_identity_max") var identityMax: Double
    @Field(key: "cat_data_score") var dataScore: Double
    @Field(key: "cat_data_max") var dataMax: Double
    @Field(key: "cat_device_score") var deviceScore: Double
    @Field(key: "cat_device_max") var deviceMax: Double
    @Field(key: "cat_apps_score") var appsScore: Double
    @Field(key: "cat_apps_max") var appsMax: Double
    @Field(key: "cat_infrastructure_score") var infrastructureScore: Double
    @Field(key: "cat_infrastructure_max") var infrastructureMax: Double

    init() {}

    /// The categories' JSON, from whichever column holds it.
    func categoriesText() throws -> String {
        try categoriesPacked.map(PackedText.unpack) ?? categories
    }

    /// The actions' JSON (a full list or a delta), from whichever column holds it.
    func actionsText() throws -> String {
        try actionsPacked.map(PackedText.unpack) ?? actions
    }

    func setCategories(_ json: String) {
        categoriesPacked = PackedText.pack(json)
        categories = ""
    }

    func setActions(_ json: String) {
        let packed = PackedText.pack(json)
        actionsPacked = packed
        actions = ""
        actionsHash = Self.actionsFingerprint(packed)
    }

    /// The first eight bytes of the SHA-256 of the actions as stored (the packed bytes, or the
    /// text's UTF-8 on rows from before migration 012): the same on every node and release.
    static func actionsFingerprint(_ stored: some DataProtocol) -> Int64 {
        SHA256.hash(data: stored).withUnsafeBytes { Int64(bigEndian: $0.loadUnaligned(as: Int64.self)) }
    }

    func applyTrendColumns(score: Double, maxScore: Double, categories: [DailySnapshot.Category], seats: Int) {
        percentage = maxScore > 0 ? score / maxScore * 100 : 0
        self.seats = seats
        func part(_ category: ActionCategory) -> (Double, Double) {
            let found = categories.first { $0.category == category }
            return (found?.score ?? 0, found?.maxScore ?? 0)
        }
        (identityScore, identityMax) = part(.identity)
        (dataScore, dataMax) = part(.data)
        (deviceScore, deviceMax) = part(.device)
        (appsScore, appsMax) = part(.apps)
        (infrastructureScore, infrastructureMax) = part(.infrastructure)
    }
}
