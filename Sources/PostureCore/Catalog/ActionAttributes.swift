/// How an action's points are earned.
public enum ScoringMethod: String, CaseIterable, Codable, Sendable {
    /// All points when implemented, none otherwise.
    case binary
    /// `maxScore × achieved / total`, counted over users, devices or other entities.
    case partial
}

/// What kind of work the action asks for (Graph's `actionType`).
public enum ActionType: String, CaseIterable, Codable, Sendable {
    case config = "Config"
    case review = "Review"
    case behavior = "Behavior"
}

/// Low / Moderate / High, used for implementation cost, user impact and complexity.
public enum EffortLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case low = "Low"
    case moderate = "Moderate"
    case high = "High"

    /// 0 for Low, 1 for Moderate, 2 for High: the penalty steps used by ranking and planning.
    public var steps: Double {
        switch self {
        case .low: 0
        case .moderate: 1
        case .high: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.steps < rhs.steps }
}

/// Microsoft's grouping of actions by how foundational they are.
public enum ActionTier: String, CaseIterable, Codable, Sendable {
    case core = "Core"
    case defenseInDepth = "Defense In Depth"
    case advanced = "Advanced"
}

/// The attacks an action helps against, spelled as Graph responses spell them.
public enum Threat: String, CaseIterable, Codable, Sendable {
    case accountBreach = "Account Breach"
    case dataDeletion = "Data Deletion"
    case dataExfiltration = "Data Exfiltration"
    case dataSpillage = "Data Spillage"
    case elevationOfPrivilege = "Elevation of Privilege"
    case maliciousInsider = "Malicious Insider"
    case passwordCracking = "Password Cracking"
    case phishingOrWhaling = "Phishing/Whaling"
    case spoofing = "Spoofing"
}

/// What `achieved` and `total` count for a partial action.
public enum EntityType: String, CaseIterable, Codable, Sendable {
    case user, admin, device, account, mailbox, site, application, domain, policy, server, group

    /// Plural noun for messages such as "2 users lost MFA".
    public func noun(count: Int) -> String {
        if count == 1 { return rawValue }
        switch self {
        case .policy: return "policies"
        case .mailbox: return "mailboxes"
        default: return rawValue + "s"
        }
    }
}
