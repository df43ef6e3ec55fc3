import Foundation

/// A deterministic, realistic history for a demo organization: measurements that improve over
/// time with noise, statuses people set, a few regressions with the entities behind them, and
/// planned actions with target dates. Pure: the end day and the seed are parameters.
public struct DemoHistory: Sendable {
    public struct Day: Sendable {
        public var day: CivilDay
        /// The full state on that day.
        public var measurements: [ActionMeasurement]
        public var statuses: [StatusRecord]
    }

    public static let organization = Organization(
        id: "contoso",
        displayName: "Contoso (demo)",
        licensedUserCount: 120,
        activeUserCount: 104,
        industry: "Manufacturing",
        region: "EU"
    )
    public static let enabledServices = [
        "HasAADP1", "HasAADP2", "HasExchange", "HasSharePoint", "HasMDEP2", "HasInTune",
    ]

    public var days: [Day]

    /// Builds `count` days ending with `endDay` (inclusive).
    public init(catalog: Catalog, endDay: CivilDay, count: Int = 120, seed: UInt64 = 2026) {
        var random = SplitMix64(seed: seed)
        let first = endDay.adding(days: -(count - 1))
        let plans = catalog.actions.filter { !$0.deprecated }.compactMap { action -> Plan? in
            // About one action in ten is never measured, as in a real tenant with unlicensed products.
            if random.unit() < 0.1 && !Self.scripted.contains(action.id) { return nil }
            return Plan(action: action, random: &random, count: count)
        }
        days = (0..<count).map { index in
            let day = first.adding(days: index)
            let at = day.start.addingTimeInterval(6 * 3600)
            var measurements = plans.compactMap { $0.measurement(on: index, count: count, at: at, random: &random) }
            Self.applyIncidents(&measurements, dayIndex: index, count: count)
            return Day(
                day: day,
                measurements: measurements,
                statuses: Self.statuses(on: index, count: count, first: first)
            )
        }
    }

    static let scripted = Set(["AdminMFAV2", "MFARegistrationV2", "BlockLegacyAuthentication", "RoleOverlap"])
        .union(openByStory)

    /// Actions whose story needs them unfinished: people planned them, accepted their risk or
    /// claimed them, so the data must not show every point.
    static let openByStory: Set<String> = [
        "SelfServicePasswordReset", "mdo_safelinksforemail", "aad_linkedin_connection_disables",
        "posture_guest_invite_restricted", "PIMEnabled", "SigninRiskPolicy", "UserRiskPolicy", "AATP_PrintSpooler",
    ]

    static let admins = (1...12).map { "admin\($0)@contoso.example" }

    /// Three regressions: legacy authentication re-enabled for four days, six new users without MFA
    /// who enrol over ten days, and two administrators who lose their MFA method near the end.
    static func applyIncidents(_ measurements: inout [ActionMeasurement], dayIndex: Int, count: Int) {
        for index in measurements.indices {
            if openByStory.contains(measurements[index].actionID) {
                switch measurements[index].result {
                case .implemented: measurements[index].result = .implemented(false)
                case .counted(_, let total): measurements[index].result = .counted(achieved: total / 3, total: total)
                }
                continue
            }
            switch measurements[index].actionID {
            case "BlockLegacyAuthentication":
                let outage = count * 3 / 8
                let done = dayIndex >= count / 6 && !(outage..<outage + 4).contains(dayIndex)
                measurements[index].result = .implemented(done)
            case "MFARegistrationV2":
                if case .counted(let achieved, let total) = measurements[index].result {
                    let arrival = count * 2 / 3
                    let newUsers = dayIndex >= arrival ? 6 : 0
                    let enrolled = dayIndex >= arrival ? min(6, (dayIndex - arrival) * 6 / 10) : 0
                    measurements[index].result = .counted(achieved: achieved + enrolled, total: total + newUsers)
                }
            case "AdminMFAV2":
                let protected = min(admins.count, 3 + dayIndex * admins.count / max(1, count / 2))
                let lapsed = dayIndex >= count - 12 ? 2 : 0
                let achievedIDs = Array(admins.prefix(protected).dropFirst(lapsed))
                measurements[index].result = .counted(achieved: achievedIDs.count, total: admins.count)
                measurements[index].achievedEntities = achievedIDs
                measurements[index].totalEntities = admins
            case "RoleOverlap":
                let scoped = [
                    "helpdesk@contoso.example", "exchange@contoso.example", "admin1@contoso.example",
                    "admin2@contoso.example",
                ]
                let fine = dayIndex >= count / 2 ? 3 : 2
                measurements[index].result = .counted(achieved: fine, total: scoped.count)
                measurements[index].achievedEntities = Array(scoped.prefix(fine))
                measurements[index].totalEntities = scoped
            default:
                break
            }
        }
    }

    static func statuses(on dayIndex: Int, count: Int, first: CivilDay) -> [StatusRecord] {
        let end = first.adding(days: count - 1)
        func at(_ index: Int) -> Date { first.adding(days: index).start.addingTimeInterval(10 * 3600) }
        var result: [StatusRecord] = []
        func add(
            _ from: Int,
            _ id: String,
            _ status: ActionStatus,
            note: String,
            owner: String? = nil,
            expires: Date? = nil,
            target: CivilDay? = nil
        ) {
            guard dayIndex >= from else { return }
            result.append(
                StatusRecord(
                    actionID: id,
                    status: status,
                    note: note,
                    owner: owner,
                    expiresAt: expires,
                    targetDate: target,
                    setBy: owner ?? "secadmin@contoso.example",
                    setAt: at(from)
                )
            )
        }
        add(
            count / 6,
            "SelfServicePasswordReset",
            .resolvedThirdParty,
            note: "Password resets run through the Okta portal",
            owner: "iam@contoso.example"
        )
        add(
            count / 4,
            "aad_linkedin_connection_disables",
            .riskAccepted,
            note: "Sales relies on LinkedIn Sales Navigator; reviewed yearly",
            owner: "ciso@contoso.example"
        )
        add(
            count / 5,
            "mdo_safelinksforemail",
            .resolvedAlternateMitigation,
            note: "The mail gateway rewrites and scans links",
            owner: "messaging@contoso.example",
            expires: at(count * 3 / 4)
        )
        add(
            count / 3,
            "posture_guest_invite_restricted",
            .riskAccepted,
            note: "Project teams invite suppliers directly until the new portal ships",
            owner: "ciso@contoso.example",
            expires: end.adding(days: 60).start
        )
        add(
            count / 2,
            "PIMEnabled",
            .planned,
            note: "Entra ID P2 licences ordered",
            owner: "iam@contoso.example",
            target: end.adding(days: 20)
        )
        add(
            count * 2 / 3,
            "SigninRiskPolicy",
            .planned,
            note: "Pilot with the IT department first",
            target: end.adding(days: 45)
        )
        add(
            count * 2 / 3,
            "UserRiskPolicy",
            .planned,
            note: "Together with the sign-in risk policy",
            target: end.adding(days: 45)
        )
        add(count - 10, "AATP_PrintSpooler", .planned, note: "Change window in January", target: end.adding(days: 35))
        return result
    }

    /// How one action's evidence evolves over the period.
    struct Plan {
        var action: ImprovementAction
        var total: Int
        var start: Double
        var target: Double
        var switchDay: Int?
        var noise: Double

        init(action: ImprovementAction, random: inout SplitMix64, count: Int) {
            self.action = action
            let scale: Int =
                switch action.entityType {
                case .user?, .mailbox?: 100 + Int(random.unit() * 20)
                case .device?: 80 + Int(random.unit() * 40)
                case .admin?, .server?: 4 + Int(random.unit() * 8)
                case .site?: 30 + Int(random.unit() * 30)
                default: 3 + Int(random.unit() * 6)
                }
            total = scale
            start = random.unit() * 0.6
            target = min(1, start + random.unit() * 0.6)
            noise = random.unit() * 0.03
            let roll = random.unit()
            switchDay = roll < 0.35 ? nil : (roll < 0.55 ? 0 : Int(random.unit() * Double(count)))
        }

        func measurement(on day: Int, count: Int, at: Date, random: inout SplitMix64) -> ActionMeasurement? {
            if action.scoringMethod == .binary {
                let done = switchDay.map { day >= $0 } ?? false
                return ActionMeasurement(actionID: action.id, result: .implemented(done), observedAt: at)
            }
            let progress = Double(day) / Double(max(1, count - 1))
            let eased = progress * progress * (3 - 2 * progress)
            let jitter = (random.unit() - 0.5) * 2 * noise
            let fraction = min(1, max(0, start + (target - start) * eased + jitter))
            let achieved = Int((fraction * Double(total)).rounded())
            return ActionMeasurement(
                actionID: action.id,
                result: .counted(achieved: achieved, total: total),
                observedAt: at
            )
        }
    }
}

/// A tiny, fast, seedable generator so demo data is identical on every machine.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }
}
