/// What a connection test found: whether the app signed in and, per Graph resource its sources
/// read, whether the permission is granted.
public struct ConnectionCheckReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case granted
        case missing(permission: String)
        case notLicensed(String)
        case failed(String)

        public var label: String {
            switch self {
            case .granted: "granted"
            case .missing(let permission): "missing \(permission)"
            case .notLicensed(let message): "not licensed: \(message)"
            case .failed(let message): "failed: \(message)"
            }
        }

        /// `granted`, `missing`, `notLicensed` or `failed`, for machines.
        public var code: String {
            switch self {
            case .granted: "granted"
            case .missing: "missing"
            case .notLicensed: "notLicensed"
            case .failed: "failed"
            }
        }
    }

    public struct Probe: Sendable, Equatable {
        public var resource: String
        /// The source that reads the resource; nil for what sharing needs (Microsoft Planner).
        public var source: ConnectionSource?
        public var permission: String
        public var outcome: Outcome

        /// The source's code, or `sharing`.
        public var sourceCode: String { source?.rawValue ?? "sharing" }
        /// The source's name, or what sharing uses the permission for.
        public var sourceName: String { source?.displayName ?? "Sharing to Microsoft Planner" }

        public init(resource: String, source: ConnectionSource?, permission: String, outcome: Outcome) {
            self.resource = resource
            self.source = source
            self.permission = permission
            self.outcome = outcome
        }
    }

    /// Nil when the app signed in; the reason otherwise (then no resource was read).
    public var signInProblem: String?
    public var probes: [Probe]

    public init(signInProblem: String?, probes: [Probe]) {
        self.signInProblem = signInProblem
        self.probes = probes
    }

    /// Signed in, and no permission missing.
    public var isReady: Bool {
        signInProblem == nil && missingPermissions.isEmpty
    }

    /// The permissions to grant, each once, in order.
    public var missingPermissions: [String] {
        var seen = Set<String>()
        return probes.compactMap { probe in
            if case .missing(let permission) = probe.outcome, seen.insert(permission).inserted { return permission }
            return nil
        }
    }

    /// One sentence: what to do next.
    public var summary: String {
        if let signInProblem { return "sign-in failed: \(signInProblem)" }
        let missing = missingPermissions
        return missing.isEmpty
            ? "signed in; every permission the sources"
                + (probes.contains { $0.source == nil } ? " and sharing" : "") + " need is granted"
            : "signed in; grant " + missing.joined(separator: ", ") + " (application permissions, with admin consent)"
    }
}
