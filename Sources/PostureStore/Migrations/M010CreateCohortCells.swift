import FluentKit
import PostureCore

/// 010: sealed comparison cells. `cohort_cells` holds each closed day's totals per cell (seat
/// band × industry × region), written once; `cohort_members` the organizations counted in each
/// cell after the last sealed day, with the figures a departed member keeps counting with;
/// `cohort_seals` how far the days are sealed.
public struct M010CreateCohortCells: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        var cells = database.schema("cohort_cells")
            .field("day", .string, .required)
            .field("band", .int, .required)
            .field("industry", .string, .required)
            .field("region", .string, .required)
            .field("members", .int, .required)
            .field("percentage", .double, .required)
        var members = database.schema("cohort_members")
            .field("organization_id", .string, .required)
            .field("band", .int, .required)
            .field("industry", .string, .required)
            .field("region", .string, .required)
            .field("percentage", .double, .required)
        for column in Self.categoryColumns {
            cells = cells.field(.definition(name: .key(.string(column)), dataType: .double, constraints: [.required]))
            members = members.field(
                .definition(name: .key(.string(column)), dataType: .double, constraints: [.required])
            )
        }
        try await cells.unique(on: "day", "band", "industry", "region").create()
        try await members.unique(on: "organization_id").create()
        try await database.schema("cohort_seals")
            .field("name", .string, .required)
            .field("sealed_through", .string, .required)
            .unique(on: "name")
            .create()
    }

    public func revert(on database: any Database) async throws {
        for table in ["cohort_seals", "cohort_members", "cohort_cells"] {
            try await database.schema(table).delete()
        }
    }

    /// Points and max per category, named as in the snapshots table.
    static var categoryColumns: [String] {
        ActionCategory.allCases.flatMap {
            [M006AddTrendColumns.categoryColumn($0, "score"), M006AddTrendColumns.categoryColumn($0, "max")]
        }
    }
}
