import FluentKit
import Foundation
import PostureCore
import SQLKit

/// An organization as stored, with the Graph `enabledServices` it reports.
public struct StoredOrganization: Sendable, Equatable {
    public var organization: Organization
    public var enabledServices: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public var id: OrganizationID { OrganizationID(organization.id) }
}

extension PostureStore {
    public func createOrganization(
        _ organization: Organization,
        enabledServices: [String] = [],
        at instant: Date
    )
        async throws
    {
        if try await OrganizationRecord.find(organization.id, on: database) != nil {
            throw StoreError.organizationExists(organization.id)
        }
        let record = OrganizationRecord()
        record.id = organization.id
        record.createdAt = instant
        record.apply(organization, enabledServices: enabledServices, at: instant)
        try await record.create(on: database)
        // Its alerts start at the beginning of its (empty) change log; older organizations got
        // their row from migration 019.
        try await startAlerts(OrganizationID(organization.id))
        // Lists of organizations change too.
        try await announceChange(OrganizationID(organization.id))
        try await announceChange(nil)
    }

    public func updateOrganization(
        _ organization: Organization,
        enabledServices: [String],
        at instant: Date
    ) async throws {
        guard let record = try await OrganizationRecord.find(organization.id, on: database) else {
            throw StoreError.organizationNotFound(organization.id)
        }
        record.apply(organization, enabledServices: enabledServices, at: instant)
        try await record.update(on: database)
        try await announceChange(OrganizationID(organization.id))
    }

    /// One organization, read with SQL: nearly every request starts here, and the model's
    /// reflection-based decoding cost more than the query.
    public func organization(_ id: OrganizationID) async throws -> StoredOrganization? {
        try await preparedSQLRows(OrganizationRead(binds: [.text(id.rawValue)])).first.map(
            StoredOrganization.init(row:)
        )
    }

    public func organizations() async throws -> [StoredOrganization] {
        try await OrganizationRecord.query(on: database).sort(\.$id).all().map(StoredOrganization.init)
    }

    /// Ids and names, in id order, of at most `limit` organizations among `visible` (nil: all):
    /// the organization switcher's list, read without decoding whole organizations.
    public func organizationNames(
        among visible: [OrganizationID]?,
        limit: Int
    ) async throws -> [(id: OrganizationID, name: String)] {
        if let visible, visible.isEmpty { return [] }
        let filter: SQLQueryString = visible.map { "WHERE id IN (\(binds: $0.map(\.rawValue)))" } ?? ""
        let query: SQLQueryString =
            "SELECT id, display_name FROM organizations \(filter) ORDER BY id LIMIT \(bind: limit)"
        return try await sql.raw(query).all().map { row in
            (
                OrganizationID(try row.decode(column: "id", as: String.self)),
                try row.decode(column: "display_name", as: String.self)
            )
        }
    }

    public func organizationCount() async throws -> Int {
        try await OrganizationRecord.query(on: database).count()
    }

    /// Deletes the organization and everything stored for it. Returns false when it did not exist.
    public func deleteOrganization(_ id: OrganizationID) async throws -> Bool {
        try await transaction { store in
            guard let record = try await OrganizationRecord.find(id.rawValue, on: store.database) else { return false }
            // Explicit deletes: SQLite only enforces ON DELETE CASCADE with foreign keys switched on.
            try await store.deleteChanges(id)
            try await SnapshotRecord.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            try await TagRecord.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            try await StatusHistoryRow.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            try await StatusRow.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            try await MeasurementRecord.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            // Roles and clients go too, so an organization created later under the same id starts
            // with nobody in it.
            try await RoleGrantRecord.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            try await SettingsRecord.query(on: store.database).filter(\.$id == id.rawValue).delete()
            try await ExclusionRecord.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            try await ClientRecord.query(on: store.database).filter(\.$organizationID == id.rawValue).delete()
            // The connection and its sealed credential: nothing of the tenant's access stays.
            _ = try await store.deleteConnection(id)
            try await store.deleteCurrentScore(id)
            try await store.deleteOutbound(id)
            try await store.anonymizeCohortMember(id)
            try await record.delete(on: store.database)
            try await store.announceChange(id)
            try await store.announceChange(nil)
            return true
        }
    }
}

extension OrganizationRecord {
    func apply(_ organization: Organization, enabledServices: [String], at instant: Date) {
        displayName = organization.displayName
        licensedUserCount = organization.licensedUserCount
        activeUserCount = organization.activeUserCount
        industry = organization.industry
        region = organization.region
        self.enabledServices = StoredJSON.encode(enabledServices)
        updatedAt = instant
    }
}

extension StoredOrganization {
    /// From a row that has the organization's columns under their own names.
    init(row: any SQLRow) throws {
        self.init(
            organization: Organization(
                id: try row.decode(column: "id", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self),
                licensedUserCount: try row.decodeIfPresent(column: "licensed_user_count", as: Int.self),
                activeUserCount: try row.decodeIfPresent(column: "active_user_count", as: Int.self),
                industry: try row.decodeIfPresent(column: "industry", as: String.self),
                region: try row.decodeIfPresent(column: "region", as: String.self)
            ),
            enabledServices: try PostureStore.services(try row.decode(column: "enabled_services", as: String.self)),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self)
        )
    }

    init(_ record: OrganizationRecord) throws {
        organization = Organization(
            id: record.id ?? "",
            displayName: record.displayName,
            licensedUserCount: record.licensedUserCount,
            activeUserCount: record.activeUserCount,
            industry: record.industry,
            region: record.region
        )
        enabledServices = try StoredJSON.decode([String].self, record.enabledServices)
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }
}

extension Organization {
    /// From a row with the organization's columns under their own names.
    init(_ row: ValueRow) throws {
        self.init(
            id: try row.required("id", ValueRow.string),
            displayName: try row.required("display_name", ValueRow.string),
            licensedUserCount: try row.int("licensed_user_count"),
            activeUserCount: try row.int("active_user_count"),
            industry: try row.string("industry"),
            region: try row.string("region")
        )
    }
}

/// ``PostureStore/organization(_:)``'s query: read by nearly every request and every write.
struct OrganizationRead: PreparedRead {
    static let sql = """
        SELECT id, display_name, licensed_user_count, active_user_count, industry, region, enabled_services,
            created_at, updated_at
        FROM organizations WHERE id = $1
        """
    var binds: [PreparedBind]
}
