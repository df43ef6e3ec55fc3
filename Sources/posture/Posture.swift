import ArgumentParser

@main
struct Posture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posture",
        abstract: "Posture: a self-hosted Secure Score for Microsoft 365 and beyond.",
        discussion: """
            Scores an organization's security posture as points earned from improvement actions, \
            ranks what to do next and plans how to reach a target.
            """,
        subcommands: [
            ServeCommand.self, AssessCommand.self, CatalogCommand.self, OrgCommand.self, MeasurementsCommand.self,
            SyncCommand.self, MigrateCommand.self, TokenCommand.self, ClientCommand.self, KeysCommand.self,
            UserCommand.self, AuditCommand.self, HistoryCommand.self, ExclusionCommand.self, ConnectionCommand.self,
            ChannelCommand.self, AlertCommand.self, DigestCommand.self, PushCommand.self, CollectCommand.self,
            ImportCommand.self, ReportCommand.self,
        ]
    )
}
