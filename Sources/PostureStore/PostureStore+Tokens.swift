import FluentKit
import Foundation
import PostureCore

/// A bearer token issued by `posture token create`: who it is for, what it grants, until when.
public struct IssuedToken: Sendable, Equatable {
    public var tokenID: String
    public var subject: String
    /// An organization id, or `*` for an instance-wide token.
    public var organizationID: String
    public var role: Role?
    public var scopes: [String]
    public var issuedAt: Date
    public var expiresAt: Date
    public var issuedBy: String
    public var revokedAt: Date?

    public init(
        tokenID: String,
        subject: String,
        organizationID: String,
        role: Role?,
        scopes: [String],
        issuedAt: Date,
        expiresAt: Date,
        issuedBy: String,
        revokedAt: Date? = nil
    ) {
        self.tokenID = tokenID
        self.subject = subject
        self.organizationID = organizationID
        self.role = role
        self.scopes = scopes
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.issuedBy = issuedBy
        self.revokedAt = revokedAt
    }

    public func state(at now: Date) -> String {
        if let revokedAt { return "revoked \(revokedAt.iso8601)" }
        return expiresAt > now ? "active" : "expired"
    }
}

extension PostureStore {
    public func recordIssuedToken(_ token: IssuedToken) async throws {
        let record = IssuedTokenRecord()
        record.tokenID = token.tokenID
        record.subject = token.subject
        record.organizationID = token.organizationID
        record.role = token.role?.rawValue
        record.scopes = token.scopes.joined(separator: " ")
        record.issuedAt = token.issuedAt
        record.expiresAt = token.expiresAt
        record.issuedBy = token.issuedBy
        record.revokedAt = token.revokedAt
        try await record.create(on: database)
    }

    public func issuedToken(_ tokenID: String) async throws -> IssuedToken? {
        try await IssuedTokenRecord.query(on: database).filter(\.$tokenID == tokenID).first().map(IssuedToken.init)
    }

    /// Every recorded token, or one organization's, oldest first.
    public func issuedTokens(organizationID: OrganizationID? = nil) async throws -> [IssuedToken] {
        var query = IssuedTokenRecord.query(on: database)
        if let organizationID { query = query.filter(\.$organizationID == organizationID.rawValue) }
        return try await query.sort(\.$issuedAt).all().map(IssuedToken.init)
    }

    /// Marks the token revoked; false when it does not exist or already was.
    public func revokeIssuedToken(_ tokenID: String, at instant: Date) async throws -> Bool {
        guard let record = try await IssuedTokenRecord.query(on: database).filter(\.$tokenID == tokenID).first(),
            record.revokedAt == nil
        else { return false }
        record.revokedAt = instant
        try await record.update(on: database)
        return true
    }

    /// Revokes every unrevoked token of an organization (when it is deleted, so a new organization
    /// under the same id is not opened to them).
    public func revokeIssuedTokens(organizationID: OrganizationID, at instant: Date) async throws {
        try await IssuedTokenRecord.query(on: database)
            .filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: instant)
            .update()
    }
}

extension IssuedToken {
    init(_ record: IssuedTokenRecord) {
        self.init(
            tokenID: record.tokenID,
            subject: record.subject,
            organizationID: record.organizationID,
            role: record.role.flatMap(Role.init(rawValue:)),
            scopes: record.scopes.split(separator: " ").map(String.init),
            issuedAt: record.issuedAt,
            expiresAt: record.expiresAt,
            issuedBy: record.issuedBy,
            revokedAt: record.revokedAt
        )
    }
}
