import FluentKit
import SQLKit

/// 026: single sign-on. Sign-ins under way at a provider (their `state`, `nonce` and PKCE verifier,
/// ten minutes at most, used once); the provider accounts people sign in with and the directory
/// roles they held at their last sign-in; and each session's provider and the roles its sign-in
/// brought, which end with the session.
public struct M026CreateSignInIdentities: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE sign_in_attempts (
                state_hash TEXT PRIMARY KEY,
                browser_hash TEXT NOT NULL,
                client_key TEXT NOT NULL,
                issuer TEXT NOT NULL,
                nonce TEXT NOT NULL,
                code_verifier TEXT NOT NULL,
                next_path TEXT NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL
            )
            """
        ).run()
        try await sql.raw("CREATE INDEX sign_in_attempts_expiry ON sign_in_attempts (expires_at)").run()
        try await sql.raw("CREATE INDEX sign_in_attempts_client ON sign_in_attempts (client_key)").run()
        try await sql.raw(
            """
            CREATE TABLE user_identities (
                issuer TEXT NOT NULL,
                subject TEXT NOT NULL,
                user_id TEXT NOT NULL,
                provider TEXT NOT NULL,
                directory_access TEXT,
                last_sign_in_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (issuer, subject)
            )
            """
        ).run()
        try await sql.raw("CREATE INDEX user_identities_user ON user_identities (user_id)").run()
        try await sql.raw("ALTER TABLE sessions ADD COLUMN provider TEXT").run()
        try await sql.raw("ALTER TABLE sessions ADD COLUMN directory_access TEXT").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE sessions DROP COLUMN directory_access").run()
        try await sql.raw("ALTER TABLE sessions DROP COLUMN provider").run()
        try await sql.raw("DROP TABLE user_identities").run()
        try await sql.raw("DROP TABLE sign_in_attempts").run()
    }
}
