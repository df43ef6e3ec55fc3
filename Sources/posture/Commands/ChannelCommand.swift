import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices

/// `posture channel` (also `posture webhook`): where an organization's alerts and shares go, and
/// its delivery log.
struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "Send an organization's alerts to webhooks, Microsoft Teams or e-mail.",
        discussion: """
            A channel is where messages go and the events it wants. Webhooks are signed with a secret \
            shown once when added (Standard Webhooks); a Teams channel is its Workflows URL; an e-mail \
            channel is an SMTP server and its recipients. The server tries each message again for about \
            a day. See docs/channels.md.
            """,
        subcommands: [Add.self, List.self, Remove.self, Test.self, Rotate.self, Deliveries.self],
        aliases: ["webhook"]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a channel; a webhook's secret is printed, once.",
            discussion: """
                posture channel add --org contoso --url https://hooks.example.com/posture --events score.dropped
                posture channel add --org contoso --kind teams --name SOC --url - --events action.regressed < url.txt
                POSTURE_SMTP_PASSWORD=… posture channel add --org contoso --kind email --to secops@contoso.example \\
                    --smtp-host smtp.office365.com --smtp-user posture@contoso.example --from posture@contoso.example \\
                    --events score.dropped,action.regressed
                POSTURE_SERVICENOW_PASSWORD=… posture channel add --org contoso --kind servicenow --name IT \\
                    --instance-url https://contoso.service-now.com --sn-user posture.integration --category Security
                posture channel add --org contoso --kind planner --name Backlog --plan xqQg5FS2LkCp935s-FIFm2QAFkHM \\
                    --bucket hsOf2dhOJkqyYYZEtdzDe2QAIUCR
                """
        )

        @OptionGroup var owner: OwnerOptions
        @Option(
            help: ArgumentHelp(
                "webhook (default), teams, email, servicenow or planner.",
                valueName: "kind"
            )
        ) var kind: ChannelKind =
            .webhook
        @Option(help: ArgumentHelp("A name people recognise.", valueName: "name")) var name = ""
        @Option(
            help: ArgumentHelp(
                "A webhook's https URL, or a Teams channel's Workflows URL (- reads it from standard input: it is a credential).",
                valueName: "url"
            )
        )
        var url: String?
        @Option(
            help: ArgumentHelp(
                "Events, comma-separated: \(OutboundChannel.eventNames) (none for planner).",
                valueName: "list"
            )
        )
        var events: String?
        @Option(help: ArgumentHelp("E-mail: recipients, comma-separated.", valueName: "list")) var to: String?
        @Option(help: ArgumentHelp("E-mail: the SMTP server's host name.", valueName: "host")) var smtpHost: String?
        @Option(help: ArgumentHelp("E-mail: its port (default 587, or 465 with tls).", valueName: "n"))
        var smtpPort: Int?
        @Option(help: ArgumentHelp("E-mail: starttls (default), tls or none.", valueName: "mode"))
        var smtpSecurity: MailSecurity = .starttls
        @Option(help: ArgumentHelp("E-mail: the user name to sign in with.", valueName: "user")) var smtpUser: String?
        @Option(
            help: ArgumentHelp(
                "E-mail: its password (better: POSTURE_SMTP_PASSWORD, or - to read it from standard input).",
                valueName: "password"
            )
        )
        var smtpPassword: String?
        @Option(help: ArgumentHelp("E-mail: the sender address.", valueName: "address")) var from: String?
        @Option(help: ArgumentHelp("Planner: the plan's id.", valueName: "id")) var plan: String?
        @Option(help: ArgumentHelp("Planner: the bucket's id, in that plan.", valueName: "id")) var bucket: String?
        @Option(help: ArgumentHelp("Planner: the assignee's Entra ID object id.", valueName: "guid"))
        var assignee: String?
        @Option(help: ArgumentHelp("ServiceNow: the instance, https://<name>.service-now.com.", valueName: "url"))
        var instanceUrl: String?
        @Option(help: ArgumentHelp("ServiceNow: incident (default) or change_request.", valueName: "table"))
        var table: ServiceNowSettings.Table = .incident
        @Option(help: ArgumentHelp("ServiceNow: basic (default) or oauth.", valueName: "mode"))
        var authentication: ServiceNowSettings.Authentication = .basic
        @Option(help: ArgumentHelp("ServiceNow: the integration user.", valueName: "user")) var snUser: String?
        @Option(help: ArgumentHelp("ServiceNow: the OAuth client's id (oauth).", valueName: "id")) var clientId: String?
        @Option(help: ArgumentHelp("ServiceNow: the tickets' category.", valueName: "category")) var category: String?
        @Option(help: ArgumentHelp("ServiceNow: the assignment group, by name.", valueName: "group"))
        var assignmentGroup: String?
        @OptionGroup var server: ServerOptions

        func validate() throws {
            if kind.takesEvents, events == nil {
                throw ValidationError("--events is needed for a \(kind.rawValue) channel")
            }
            switch kind {
            case .webhook, .teams:
                guard url != nil else { throw ValidationError("--url is needed for a \(kind.rawValue) channel") }
            case .email:
                guard to != nil, smtpHost != nil, from != nil else {
                    throw ValidationError("an e-mail channel needs --to, --smtp-host and --from")
                }
            case .planner:
                guard plan != nil, bucket != nil else {
                    throw ValidationError("a Planner channel needs --plan and --bucket")
                }
            case .servicenow:
                guard instanceUrl != nil, snUser != nil else {
                    throw ValidationError(
                        "a ServiceNow channel needs --instance-url and --sn-user (its password in POSTURE_SERVICENOW_PASSWORD)"
                    )
                }
            }
        }

        func run() async throws {
            var draft = ChannelDraft(
                kind: kind,
                name: name,
                url: url == "-" ? (readLine(strippingNewline: true) ?? "") : (url ?? ""),
                events: (events ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            )
            if kind == .email {
                var password = smtpPassword ?? ProcessInfo.processInfo.environment["POSTURE_SMTP_PASSWORD"] ?? ""
                if password == "-" { password = readLine(strippingNewline: true) ?? "" }
                draft.mail = MailSettings(
                    host: smtpHost ?? "",
                    port: smtpPort,
                    security: smtpSecurity,
                    username: smtpUser,
                    from: from ?? "",
                    to: EmailAddress.list(to ?? "")
                )
                draft.password = password
            }
            if kind == .planner {
                draft.planner = PlannerSettings(planID: plan ?? "", bucketID: bucket ?? "", assigneeID: assignee)
            }
            if kind == .servicenow {
                // Secrets by environment, or `-` on standard input: never on the command line.
                let environment = ProcessInfo.processInfo.environment
                var password = environment["POSTURE_SERVICENOW_PASSWORD"] ?? ""
                if password == "-" { password = readLine(strippingNewline: true) ?? "" }
                draft.serviceNow = ServiceNowSettings(
                    instanceURL: instanceUrl ?? "",
                    table: table,
                    authentication: authentication,
                    username: snUser ?? "",
                    clientID: clientId,
                    category: category,
                    assignmentGroup: assignmentGroup
                )
                draft.password = password
                draft.clientSecret = environment["POSTURE_SERVICENOW_CLIENT_SECRET"] ?? ""
            }
            let added = draft
            let (channel, secret) = try await ChannelCommand.run(server) { runtime in
                try await runtime.service.addChannel(owner.owner, added, actor: "cli")
            }
            Console.write(
                channel.kind.takesEvents
                    ? "added \(channel.id) for \(channel.events.map(\.rawValue).joined(separator: ", "))"
                    : "added \(channel.id): shared actions go to \(channel.kind.label) (\(channel.target))"
            )
            if let secret { Console.write("secret (shown once, keep it with the receiver): \(secret)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an organization's channels (never their secrets)."
        )

        @OptionGroup var owner: OwnerOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let channels = try await ChannelCommand.run(server) { runtime in
                try await runtime.service.channels(owner.owner)
            }
            var table = TextTable([
                ("ID", .left), ("KIND", .left), ("NAME", .left), ("STATE", .left), ("EVENTS", .left),
                ("SENDS TO", .left),
            ])
            for channel in channels {
                table.add([
                    channel.id, channel.kind.rawValue, channel.name,
                    channel.isEnabled ? "enabled" : "off: \(channel.disabledReason ?? "")",
                    channel.events.map(\.rawValue).joined(separator: ","), channel.target,
                ])
            }
            Console.write(channels.isEmpty ? "\(owner.name) has no channel" : table.render())
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a channel; what it had to send is cancelled."
        )

        @OptionGroup var owner: OwnerOptions
        @Option(help: ArgumentHelp("The channel's id (ep_… or ch_…).", valueName: "id")) var id: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await ChannelCommand.run(server) { runtime in
                try await runtime.service.removeChannel(owner.owner, id: id, actor: "cli")
            }
            Console.write("removed \(id)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a test message for a channel; the server sends it within a second."
        )

        @OptionGroup var owner: OwnerOptions
        @Option(help: ArgumentHelp("The channel's id (ep_… or ch_…).", valueName: "id")) var id: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let delivery = try await ChannelCommand.run(server) { runtime in
                try await runtime.service.testChannel(owner.owner, id: id)
            }
            Console.write(
                "queued \(delivery.id); see posture channel deliveries \(owner.instance ? "--instance" : "--org " + owner.name)"
            )
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a webhook a new secret, printed once; the old one also signs for a day."
        )

        @OptionGroup var owner: OwnerOptions
        @Option(help: ArgumentHelp("The webhook's id (ep_…).", valueName: "id")) var id: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let (secret, until) = try await ChannelCommand.run(server) { runtime in
                try await runtime.service.rotateWebhookSecret(owner.owner, id: id, actor: "cli")
            }
            Console.write("new secret (shown once, give it to the receiver): \(secret)")
            Console.write("messages carry a signature with the old secret too until \(until.iso8601)")
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The delivery log, newest first.")

        @OptionGroup var owner: OwnerOptions
        @Option(help: ArgumentHelp("How many, 1 to 1000.", valueName: "n")) var limit = 20
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard (1...1_000).contains(limit) else {
                throw ValidationError("--limit must be from 1 to 1000, got \(limit)")
            }
        }

        func run() async throws {
            let deliveries = try await ChannelCommand.run(server) { runtime in
                try await runtime.service.deliveries(owner.owner, limit: limit)
            }
            var table = TextTable([
                ("CREATED", .left), ("EVENT", .left), ("STATE", .left), ("ATTEMPTS", .right), ("LAST", .left),
                ("CHANNEL", .left), ("ID", .left),
            ])
            for delivery in deliveries {
                let last = delivery.lastStatus.map(String.init) ?? delivery.lastError ?? ""
                table.add([
                    delivery.createdAt.iso8601, delivery.eventType.rawValue, delivery.state.rawValue,
                    String(delivery.attempts), TextTable.clip(last, 40), delivery.channelID, delivery.id,
                ])
            }
            Console.write(deliveries.isEmpty ? "\(owner.name) has sent nothing yet" : table.render())
        }
    }

    static let options = [
        "url": "--url", "events": "--events", "name": "--name", "to": "--to", "smtp": "--smtp-host",
        "smtp.host": "--smtp-host", "smtp.port": "--smtp-port", "smtp.security": "--smtp-security",
        "smtp.username": "--smtp-user", "smtp.password": "--smtp-password", "smtp.from": "--from",
        "kind": "--kind", "planner": "--plan", "planner.planId": "--plan", "servicenow.instanceUrl": "--instance-url",
        "servicenow.username": "--sn-user", "servicenow.password": "POSTURE_SERVICENOW_PASSWORD",
        "servicenow.clientId": "--client-id", "servicenow.clientSecret": "POSTURE_SERVICENOW_CLIENT_SECRET",
        "servicenow.category": "--category", "servicenow.assignmentGroup": "--assignment-group",
        "planner.bucketId": "--bucket",
        "planner.assigneeId": "--assignee",
    ]

    /// A channel's problems name their options (`--url`, `--smtp-host`, …).
    static func run<T>(_ server: ServerOptions, _ body: (PostureRuntime) async throws -> T) async throws -> T {
        try await ConnectionCommand.run(server, naming: { "\(options[$0.field] ?? $0.field) \($0.message)" }, body)
    }
}

extension ChannelKind: ExpressibleByArgument {}
extension MailSecurity: ExpressibleByArgument {}
extension ServiceNowSettings.Table: ExpressibleByArgument {}
extension ServiceNowSettings.Authentication: ExpressibleByArgument {}
