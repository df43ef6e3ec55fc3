import Foundation

/// Lockout after repeated failed sign-ins: `maxFailures` failures in a row lock the account for
/// `lockDuration`; a success clears the count.
public struct LockoutPolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var lockDuration: TimeInterval

    public init(maxFailures: Int = 5, lockDuration: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.lockDuration = lockDuration
    }

    /// The account's state after one more failure at `now`.
    public func afterFailure(failures: Int, now: Date) -> (failures: Int, lockedUntil: Date?) {
        let count = failures + 1
        return count >= maxFailures ? (0, now.addingTimeInterval(lockDuration)) : (count, nil)
    }

    public func isLocked(lockedUntil: Date?, now: Date) -> Bool {
        lockedUntil.map { $0 > now } ?? false
    }
}

/// What a new password must satisfy. Length matters most; the rest refuses the obvious.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 72  // bcrypt reads at most 72 bytes

    /// Every problem with `password`, empty when it is acceptable.
    public static func problems(_ password: String, username: String, previous: Bool = false) -> [String] {
        var problems: [String] = []
        let length = password.utf8.count
        if length < minimumLength { problems.append("must be at least \(minimumLength) characters long") }
        if length > maximumLength { problems.append("must be at most \(maximumLength) bytes long") }
        if Set(password).count < 4 { problems.append("must use at least 4 different characters") }
        if !username.isEmpty, password.lowercased().contains(username.lowercased()) {
            problems.append("must not contain the user name")
        }
        if previous { problems.append("must differ from the current password") }
        return problems
    }
}

/// User names: lower-case letters, digits and `.-_@`, 1 to 64 characters (e-mail addresses fit).
public enum UserName {
    public static func normalized(_ text: String) -> String? {
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard (1...64).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_@".contains($0)) })
        else { return nil }
        return name
    }
}
