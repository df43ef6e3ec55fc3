import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices

/// `posture digest`: who gets an organization's weekly digest, and what it says now.
struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "List who gets an organization's weekly digest, or print it as it stands now.",
        discussion: """
            People choose the weekly digest for themselves, in the organization's Settings; it goes out \
            on Mondays from 07:00 UTC through the organization's e-mail channel. See docs/alerts.md.
            """,
        subcommands: [List.self, Preview.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The people who get the digest, and their addresses.")

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let subscriptions = try await AlertCommand.run(server) { runtime in
                try await runtime.service.digestSubscriptions(OrganizationID(org))
            }
            var table = TextTable([("PERSON", .left), ("E-MAIL", .left), ("SINCE", .left), ("LAST WEEK SENT", .left)])
            for subscription in subscriptions {
                table.add([
                    subscription.username, subscription.email, CivilDay(subscription.createdAt).description,
                    subscription.lastSentWeek?.description ?? "none yet",
                ])
            }
            Console.write(subscriptions.isEmpty ? "nobody gets \(org)'s weekly digest" : table.render())
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the digest's text as it would go out now.")

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let event = try await AlertCommand.run(server) { runtime in
                try await runtime.service.weeklyDigest(
                    OrganizationID(org),
                    recipients: [],
                    week: WeeklyDigest.week(at: runtime.service.clock.now())
                )
            }
            guard let message = EventMessage.make(body: event.body) else { return }
            Console.write(([message.title, ""] + MailMessage.plainText(message)).joined(separator: "\n"))
        }
    }
}
