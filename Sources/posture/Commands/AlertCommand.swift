import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices

/// `posture alert`: an organization's alert rules, or the instance-wide ones.
struct AlertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert",
        abstract: "Show or change an organization's alert rules.",
        discussion: """
            Alerts go out as events to the organization's channels (see posture webhook): a score drop \
            against the previous closed day, actions that lost points, exceptions expiring or expired, \
            a score below a floor, a failing Microsoft 365 connection. Each incident is announced once. \
            With --instance, the instance-wide rules, whose alerts of every organization go to the \
            instance's channels (posture channel --instance). See docs/alerts.md.
            """,
        subcommands: [Show.self, Set.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the rules in force.")

        @OptionGroup var owner: OwnerOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let rules = try await AlertCommand.run(server) { runtime in
                try await runtime.service.alertRules(owner.owner)
            }
            Console.write(AlertCommand.describe(rules))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change rules; what you leave out stays as it is.",
            discussion: """
                posture alert set --org contoso --floor 60 --exception-days 30
                posture alert set --instance --regressions on --drop-percentage-points 10
                """
        )

        @OptionGroup var owner: OwnerOptions
        @Option(help: ArgumentHelp("score.dropped on or off.", valueName: "on|off")) var scoreDrop: Switch?
        @Option(help: ArgumentHelp("Percentage points down that fire it (1 to 50).", valueName: "n"))
        var dropPercentagePoints: Double?
        @Option(help: ArgumentHelp("Points down that fire it.", valueName: "n")) var dropPoints: Double?
        @Option(help: ArgumentHelp("action.regressed on or off.", valueName: "on|off")) var regressions: Switch?
        @Option(help: ArgumentHelp("exception.expiring and exception.expired on or off.", valueName: "on|off"))
        var exceptions: Switch?
        @Option(help: ArgumentHelp("Days ahead to announce an expiring exception (1 to 90).", valueName: "n"))
        var exceptionDays: Int?
        @Option(help: ArgumentHelp("score.belowFloor at this percentage, or off.", valueName: "percent|off"))
        var floor: String?
        @Option(help: ArgumentHelp("connection.failing on or off.", valueName: "on|off")) var connections: Switch?
        @OptionGroup var server: ServerOptions

        enum Switch: String, ExpressibleByArgument {
            case on, off
            var isOn: Bool { self == .on }
        }

        func validate() throws {
            if let floor, floor != "off", Double(floor) == nil {
                throw ValidationError("--floor must be a percentage or off, got \"\(floor)\"")
            }
        }

        func run() async throws {
            let change: @Sendable (AlertRules) -> AlertRules = { [self] before in
                var rules = before
                if let scoreDrop { rules.scoreDropEnabled = scoreDrop.isOn }
                if let dropPercentagePoints { rules.scoreDrop.percentagePoints = dropPercentagePoints }
                if let dropPoints { rules.scoreDrop.points = dropPoints }
                if let regressions { rules.regressionsEnabled = regressions.isOn }
                if let exceptions { rules.exceptionsEnabled = exceptions.isOn }
                if let exceptionDays { rules.exceptionDays = exceptionDays }
                if floor == "off" { rules.floorEnabled = false }
                if let percent = floor.flatMap(Double.init) {
                    rules.floorEnabled = true
                    rules.floorPercent = percent
                }
                if let connections { rules.connectionsEnabled = connections.isOn }
                return rules
            }
            let rules = try await AlertCommand.run(server) { runtime in
                try await runtime.service.updateAlertRules(owner.owner, actor: "cli", change)
            }
            Console.write(AlertCommand.describe(rules))
        }
    }

    static func describe(_ rules: AlertRules) -> String {
        func state(_ on: Bool, _ detail: String) -> String { on ? "on, " + detail : "off" }
        var table = TextTable([("EVENT", .left), ("RULE", .left)])
        table.add([
            "score.dropped",
            state(
                rules.scoreDropEnabled,
                "at \(format(rules.scoreDrop.percentagePoints)) percentage points or \(format(rules.scoreDrop.points)) points below the previous day"
            ),
        ])
        table.add(["action.regressed", state(rules.regressionsEnabled, "any action that lost points")])
        table.add([
            "exception.expiring/expired",
            state(rules.exceptionsEnabled, "\(rules.exceptionDays) days ahead, and when one expires"),
        ])
        table.add(["score.belowFloor", state(rules.floorEnabled, "below \(format(rules.floorPercent))%")])
        table.add(["connection.failing", state(rules.connectionsEnabled, "failing or stale collection")])
        return table.render()
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static let options = [
        "scoreDropped.percentagePoints": "--drop-percentage-points", "scoreDropped.points": "--drop-points",
        "exceptionExpiring.days": "--exception-days", "scoreBelowFloor.percent": "--floor",
    ]

    /// Problems name the options they came from.
    static func run<T>(_ server: ServerOptions, _ body: (PostureRuntime) async throws -> T) async throws -> T {
        try await ConnectionCommand.run(server, naming: { "\(options[$0.field] ?? $0.field) \($0.message)" }, body)
    }
}
