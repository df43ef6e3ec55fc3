import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices

/// `posture webhook`: an organization's signed webhook endpoints and its delivery log.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Send an organization's events to signed webhooks (Standard Webhooks).",
        discussion: """
            An endpoint is an https URL and the events it wants; the server signs every message with \
            the endpoint's secret, shown once when the endpoint is added, and tries again on failure \
            for about a day. See docs/webhooks.md.
            """,
        subcommands: [Add.self, List.self, Remove.self, Test.self, Deliveries.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an endpoint; prints its secret, once.")

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("The receiver's https URL.", valueName: "url")) var url: String
        @Option(
            help: ArgumentHelp("Events, comma-separated: \(WebhookEndpoint.eventNames).", valueName: "list")
        )
        var events: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let names = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let (endpoint, secret) = try await WebhookCommand.run(server) { runtime in
                try await runtime.service.addWebhookEndpoint(OrganizationID(org), url: url, events: names, actor: "cli")
            }
            Console.write("added \(endpoint.id) for \(endpoint.events.map(\.rawValue).joined(separator: ", "))")
            Console.write("secret (shown once, keep it with the receiver): \(secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an organization's endpoints (never their secrets)."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let endpoints = try await WebhookCommand.run(server) { runtime in
                try await runtime.service.webhookEndpoints(OrganizationID(org))
            }
            var table = TextTable([("ID", .left), ("STATE", .left), ("EVENTS", .left), ("URL", .left)])
            for endpoint in endpoints {
                table.add([
                    endpoint.id, endpoint.isEnabled ? "enabled" : "off: \(endpoint.disabledReason ?? "")",
                    endpoint.events.map(\.rawValue).joined(separator: ","), endpoint.url,
                ])
            }
            Console.write(endpoints.isEmpty ? "\(org) has no webhook endpoint" : table.render())
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an endpoint; what it had to send is cancelled."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("The endpoint's id (ep_…).", valueName: "id")) var id: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await WebhookCommand.run(server) { runtime in
                try await runtime.service.removeWebhookEndpoint(OrganizationID(org), id: id, actor: "cli")
            }
            Console.write("removed \(id)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue the webhook.test event for an endpoint; the server sends it within a second."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("The endpoint's id (ep_…).", valueName: "id")) var id: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let delivery = try await WebhookCommand.run(server) { runtime in
                try await runtime.service.testWebhookEndpoint(OrganizationID(org), id: id)
            }
            Console.write("queued \(delivery.id); see posture webhook deliveries --org \(org)")
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The delivery log, newest first.")

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("How many, 1 to 1000.", valueName: "n")) var limit = 20
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard (1...1_000).contains(limit) else {
                throw ValidationError("--limit must be from 1 to 1000, got \(limit)")
            }
        }

        func run() async throws {
            let deliveries = try await WebhookCommand.run(server) { runtime in
                try await runtime.service.deliveries(OrganizationID(org), limit: limit)
            }
            var table = TextTable([
                ("CREATED", .left), ("EVENT", .left), ("STATE", .left), ("ATTEMPTS", .right), ("LAST", .left),
                ("ENDPOINT", .left), ("ID", .left),
            ])
            for delivery in deliveries {
                let last = delivery.lastStatus.map(String.init) ?? delivery.lastError ?? ""
                table.add([
                    delivery.createdAt.iso8601, delivery.eventType.rawValue, delivery.state.rawValue,
                    String(delivery.attempts), TextTable.clip(last, 40), delivery.endpointID, delivery.id,
                ])
            }
            Console.write(deliveries.isEmpty ? "\(org) has sent nothing yet" : table.render())
        }
    }

    /// A webhook's problems name their options (`--url`, `--events`).
    static func run<T>(_ server: ServerOptions, _ body: (PostureRuntime) async throws -> T) async throws -> T {
        try await ConnectionCommand.run(server, naming: { "--\($0.field) \($0.message)" }, body)
    }
}
