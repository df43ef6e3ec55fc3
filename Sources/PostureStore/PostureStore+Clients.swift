import Crypto
import FluentKit
import Foundation
import PostureCore

/// A machine identity of one organization. The secret itself is never stored.
public struct StoredClient: Sendable, Equatable {
    public var clientID: String
    public var organizationID: OrganizationID
    public var name: String
    public var secretHash: String
    public var scopes: [String]
    public var role: Role
    public var createdAt: Date
    public var createdBy: String
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }

    package init(
        clientID: String,
        organizationID: OrganizationID,
        name: String,
        secretHash: String,
        scopes: [String],
        role: Role,
        createdAt: Date,
        createdBy: String,
        revokedAt: Date? = nil
    ) {
        self.clientID = clientID
        self.organizationID = organizationID
        self.name = name
        self.secretHash = secretHash
        self.scopes = scopes
        self.role = role
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }
}

extension PostureStore {
    /// SHA-256 of a secret, hex: secrets are 256 random bits, so a slow password hash adds nothing.
    public static func secretHash(_ secret: String) -> String {
        auditHasher(Array(secret.utf8))
    }

    public func createClient(_ client: StoredClient) async throws {
        let record = ClientRecord()
        record.clientID = client.clientID
        record.organizationID = client.organizationID.rawValue
        record.name = client.name
        record.secretHash = client.secretHash
        record.scopes = client.scopes.joined(separator: " ")
        record.role = client.role.rawValue
        record.createdAt = client.createdAt
        record.createdBy = client.createdBy
        record.revokedAt = client.revokedAt
        try await record.create(on: database)
        try await announceChange(nil)
    }

    public func client(_ clientID: String) async throws -> StoredClient? {
        try await ClientRecord.query(on: database).filter(\.$clientID == clientID).first().map(StoredClient.init)
    }

    public func clients(organizationID: OrganizationID? = nil) async throws -> [StoredClient] {
        var query = ClientRecord.query(on: database)
        if let organizationID { query = query.filter(\.$organizationID == organizationID.rawValue) }
        return try await query.sort(\.$createdAt).all().map(StoredClient.init)
    }

    /// Marks the client revoked; returns false when it does not exist or already was.
    public func revokeClient(_ clientID: String, at instant: Date) async throws -> Bool {
        guard let record = try await ClientRecord.query(on: database).filter(\.$clientID == clientID).first(),
            record.revokedAt == nil
        else { return false }
        record.revokedAt = instant
        try await record.update(on: database)
        try await announceChange(nil)
        return true
    }
}

extension StoredClient {
    init(_ record: ClientRecord) {
        self.init(
            clientID: record.clientID,
            organizationID: OrganizationID(record.organizationID),
            name: record.name,
            secretHash: record.secretHash,
            scopes: record.scopes.split(separator: " ").map(String.init),
            role: Role(rawValue: record.role) ?? .securityReader,
            createdAt: record.createdAt,
            createdBy: record.createdBy,
            revokedAt: record.revokedAt
        )
    }
}
