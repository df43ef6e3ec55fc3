import Foundation

/// How repeated wrong passwords slow down further guesses. There is no lock: a lock lets anyone
/// who knows a user name keep its owner out. Instead each source of failures for an account (an
/// account and a client address) waits longer after every failure beyond the first few, doubling up
/// to a ceiling, while the owner signing in from elsewhere is not held up. A success clears it.
public struct SignInBackoff: Sendable, Equatable {
    /// Failures allowed before any wait.
    public var freeFailures: Int
    /// The first wait; each further failure doubles it.
    public var base: TimeInterval
    public var maximum: TimeInterval

    public init(freeFailures: Int = 3, base: TimeInterval = 1, maximum: TimeInterval = 15 * 60) {
        self.freeFailures = freeFailures
        self.base = base
        self.maximum = maximum
    }

    /// Seconds to wait after `failures` failures in a row before the next attempt.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        // 2^30 s is beyond any ceiling; the exponent is clamped so the arithmetic never overflows.
        let exponent = min(failures - freeFailures, 30)
        return min(base * Double(1 << exponent), maximum)
    }
}

/// A signed-in session guessing the current password on the change form: this many wrong guesses
/// in a row end every session of the account, so a stolen session cannot keep guessing.
public enum PasswordChangeGuard {
    public static let maximumWrongGuesses = 5
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
