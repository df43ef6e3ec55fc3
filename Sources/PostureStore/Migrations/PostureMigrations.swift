import FluentKit

/// Every migration, in order. Append only: a released migration is never edited or reordered.
public enum PostureMigrations {
    public static let all: [any Migration] = [
        M001CreateCoreTables(),  // 001: core tables
        M002AddHistoryIndexes(),  // 002: history indexes
        M003CreateAuditEntries(),  // 003: hash-chained audit log
        M004CreateAPIClients(),  // 004: API clients for the client-credentials grant
        M005CreateIdentity(),  // 005: users, role grants, sessions; API client roles
        M006AddTrendColumns(),  // 006: snapshot percentage, seats and category columns; change causes; settings
        M007CreateEntityExclusions(),  // 007: entities an organization leaves out of an action's count
        M008CreateMicrosoftSecureScore(),  // 008: Microsoft's Secure Score history and control profiles
        M009CreateIssuedTokens(),  // 009: bearer tokens from `posture token create`, for listing and revoking
        M010CreateCohortCells(),  // 010: sealed comparison cells, their members and how far days are sealed
        M011CreateCurrentScores(),  // 011: each organization's current score, stored on write
        M012PackHistory(),  // 012: packed snapshot breakdowns; the change log as one packed row per write
        M013OrganizationList(),  // 013: zone bounds as columns and indexes, for lists of thousands of organizations
        M014CreateConnections(),  // 014: Microsoft 365 connections with sealed credentials
        M015AddCollectionSchedule(),  // 015: each connection's collection interval, lease and last attempts
        M016CreateConnectionApp(),  // 016: the instance-wide multi-tenant app; connections' admin consent
        M017AddConnectionEndpoints(),  // 017: connections' Exchange Online and Defender endpoints
        M018CreateWebhooks(),  // 018: webhook endpoints and the delivery queue
        M019CreateAlertStates(),  // 019: alert rules, open incidents and how far each organization's alerts have read
        M020CreateChannels(),  // 020: webhook endpoints become channels: webhooks, Microsoft Teams, e-mail
        M021CreateActionShares(),  // 021: improvement actions shared by e-mail or to a channel
        M022CreateTickets(),  // 022: tickets raised in ServiceNow for shared actions, and their state
        M023AddPreviousSecrets(),  // 023: a webhook's previous secret, kept a day after a rotation
        M024CreateDigestSubscriptions(),  // 024: people's weekly digests by e-mail
        M025AddInstanceAlerts(),  // 025: what the instance-wide alert rules remember per organization
        M026CreateSignInIdentities(),  // 026: single sign-on: sign-ins under way, provider accounts, session roles
        M027CreateReportSchedules(),  // 027: organizations' reports sent by e-mail every week or month
        M028AddSnapshotActionsHash(),  // 028: snapshots' fingerprints of their actions
        M029AddScoreRendering(),  // 029: current scores' documents rendered when stored
        M030BackfillSnapshotActionsHash(),  // 030: fingerprints of snapshots written before 028
        M031AddNewestFirstIndexes(),  // 031: the change log's newest spans and the status history's last sequence
        M032AddDataVersions(),  // 032: a version per organization that every write moves (SQLite's cached responses)
    ]
}
