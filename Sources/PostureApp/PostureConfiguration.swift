import Foundation
import PostureCollector
import PostureCore

/// Every setting of a Posture process, read once at start-up: command-line flags first, then
/// environment variables, then defaults. Invalid values fail fast with every problem listed.
public struct PostureConfiguration: Sendable {
    public enum DatabaseLocation: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(String)

        /// Where it points, without the password.
        public var redacted: String {
            switch self {
            case .sqliteFile(let path):
                return "sqlite file \(path)"
            case .sqliteMemory:
                return "sqlite in memory"
            case .postgres(let url):
                if var components = URLComponents(string: url), components.password != nil {
                    components.password = "***"
                    return components.string ?? "postgres"
                }
                return url
            }
        }
    }

    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "./.posture"
    public var database: DatabaseLocation = .sqliteFile("./.posture/posture.sqlite")
    public var demo = true
    /// Days of history the demo organization gets.
    public var demoDays = 120
    /// Anonymous peer organizations seeded beside the demo, so comparisons show.
    public var demoPeers = DemoPeers.defaultCount
    /// UTC time of the daily sync, minutes after midnight.
    public var syncMinuteOfDay = 2 * 60
    /// Where the token signing keys live; default `DATA_DIR/keys`.
    public var keysDirectory: String?

    /// The keys directory in force.
    public var resolvedKeysDirectory: String {
        keysDirectory ?? (dataDirectory as NSString).appendingPathComponent("keys")
    }
    public var publicBaseURL: String?
    public var catalogDirectory: String?
    public var logLevel = "info"
    /// The first administrator's initial password (it must still be changed at first sign-in);
    /// nil: a one-time password is generated and printed once.
    public var adminPassword: String?
    /// External OpenID Connect issuers whose tokens are accepted (from `POSTURE_OIDC_ISSUERS`).
    public var externalIssuers: [ExternalIssuer] = []
    /// The PDF engine (`POSTURE_PDF_ENGINE`): an executable, `off`, or unset to look for
    /// chromium-headless-shell or chromium on `PATH` at start-up.
    public var pdfEngine: PDFEngineChoice = .automatic
    /// Whether people may sign in to the dashboard with a Posture password
    /// (`POSTURE_PASSWORD_SIGN_IN`); off only when a provider in the issuers file signs people in.
    public var passwordSignIn = true
    /// How long a dashboard session lasts at most, in hours (`POSTURE_SESSION_HOURS`); roles from
    /// a provider's sign-in end with it.
    public var sessionHours = 12
    /// Reverse proxies whose `X-Forwarded-For` is believed for rate limits (`POSTURE_TRUSTED_PROXIES`).
    public var trustedProxies: Set<String> = []
    /// `Host` values (`name[:port]`) that may appear in absolute links when no public URL is set
    /// (`POSTURE_ALLOWED_HOSTS`); loopback names and the listening address are always allowed.
    public var allowedHosts: Set<String> = []
    /// Rows per second each caller may have expensive reads materialise (`POSTURE_READ_BUDGET`); a
    /// caller may spend three seconds' worth at once. See `WorkBudget`.
    public var readBudgetPerSecond = 15_000
    /// bcrypt cost; lowered only by tests.
    public var passwordCost = 12
    /// Largest Microsoft 365 evidence snapshot the server accepts, in megabytes
    /// (`POSTURE_MAX_EVIDENCE_MB`); a 100,000-user tenant is about 90 MB.
    public var maxEvidenceMegabytes = 512
    /// Where large uploads are written while they arrive (`POSTURE_SPOOL_DIR`); nil: the system's
    /// temporary folder.
    public var spoolDirectory: String?
    /// Connections this node collects at once (`POSTURE_COLLECTIONS`); 0: this node collects none.
    public var collectionConcurrency = 4
    /// Seconds a node's hold on a connection lasts without renewal (`POSTURE_COLLECTION_LEASE`):
    /// how long a connection waits after its collector died before another node takes it.
    public var collectionLeaseSeconds = 90
    /// The DNS server collections ask for the accepted domains' SPF records
    /// (`POSTURE_DNS_SERVER`); by default the first `nameserver` of `/etc/resolv.conf`. Nil: none,
    /// and those records are not read.
    public var dnsResolver: DNSResolver? = DNSResolver.system()
    /// Deliveries this node sends at once (`POSTURE_DELIVERIES`); 0: this node sends none.
    public var deliveryConcurrency = 4
    /// Seconds a node's hold on a delivery lasts (`POSTURE_DELIVERY_LEASE`): how long a message
    /// whose sender died waits before another node sends it again. Longer than a send may take.
    public var deliveryLeaseSeconds = 60
    /// `POSTURE_ALLOW_PRIVATE_TARGETS`: webhooks may go to private, loopback and link-local
    /// addresses (and plain http); off by default, on for tests and closed networks.
    public var allowPrivateTargets = false
    /// `POSTURE_OUTBOUND_CA_FILE`: PEM certificates trusted besides the system's for outbound TLS
    /// to SMTP relays (a private CA); read at start-up.
    public var outboundTrustRoots: String?

    /// Cookies are Secure when people reach the server over HTTPS or on this machine; on plain
    /// HTTP elsewhere browsers would drop them, so they are sent without it (with a warning).
    public var secureCookies: Bool {
        if let url = publicBaseURL { return url.hasPrefix("https://") || Self.isLoopback(url: url) }
        return ["127.0.0.1", "localhost", "::1"].contains(host)
    }

    static func isLoopback(url: String) -> Bool {
        guard let host = URL(string: url)?.host else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }

    public init() {}

    /// Values given on the command line; nil means "not given".
    public struct Flags: Sendable {
        public var host: String?
        public var port: Int?
        public var databaseURL: String?
        public var dataDirectory: String?
        public var noDemo = false
        public var catalogDirectory: String?

        public init(
            host: String? = nil,
            port: Int? = nil,
            databaseURL: String? = nil,
            dataDirectory: String? = nil,
            noDemo: Bool = false,
            catalogDirectory: String? = nil
        ) {
            self.host = host
            self.port = port
            self.databaseURL = databaseURL
            self.dataDirectory = dataDirectory
            self.noDemo = noDemo
            self.catalogDirectory = catalogDirectory
        }
    }

    /// The environment variables Posture reads, for help texts and docs.
    public static let environmentVariables = [
        "POSTURE_HOST", "POSTURE_PORT", "POSTURE_DATA_DIR", "DATABASE_URL", "POSTURE_DEMO", "POSTURE_DEMO_DAYS",
        "POSTURE_DEMO_PEERS", "POSTURE_SYNC_TIME",
        "POSTURE_KEYS_DIR", "POSTURE_PUBLIC_URL", "POSTURE_CATALOG_DIR", "POSTURE_LOG_LEVEL",
        "POSTURE_ADMIN_PASSWORD", "POSTURE_OIDC_ISSUERS", "POSTURE_TRUSTED_PROXIES", "POSTURE_MAX_EVIDENCE_MB",
        "POSTURE_ALLOWED_HOSTS", "POSTURE_READ_BUDGET", "POSTURE_SPOOL_DIR", "POSTURE_COLLECTIONS",
        "POSTURE_COLLECTION_LEASE", "POSTURE_DNS_SERVER", "POSTURE_DELIVERIES", "POSTURE_DELIVERY_LEASE",
        "POSTURE_ALLOW_PRIVATE_TARGETS", "POSTURE_OUTBOUND_CA_FILE", "POSTURE_PASSWORD_SIGN_IN",
        "POSTURE_SESSION_HOURS", "POSTURE_PDF_ENGINE",
    ]

    public static func load(
        flags: Flags,
        environment: [String: String]
    ) throws(ConfigurationError) -> PostureConfiguration {
        var config = PostureConfiguration()
        var problems: [String] = []
        func env(_ name: String) -> String? {
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }

        config.host = flags.host ?? env("POSTURE_HOST") ?? config.host
        if let port = flags.port {
            config.port = port
        } else if let text = env("POSTURE_PORT") {
            if let port = Int(text) {
                config.port = port
            } else {
                problems.append("POSTURE_PORT must be a number, got \"\(text)\"")
            }
        }
        if !(1...65535).contains(config.port) {
            problems.append("the port must be between 1 and 65535, got \(config.port)")
        }

        config.dataDirectory = flags.dataDirectory ?? env("POSTURE_DATA_DIR") ?? config.dataDirectory
        if let url = flags.databaseURL ?? env("DATABASE_URL") {
            let lower = url.lowercased()
            if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
                config.database = .postgres(url)
            } else if lower == "sqlite::memory:" {
                config.database = .sqliteMemory
            } else if lower.hasPrefix("sqlite://") {
                config.database = .sqliteFile(String(url.dropFirst("sqlite://".count)))
            } else {
                problems.append(
                    "the database URL must start with postgres:// (or be sqlite://PATH), got \"\(Self.scheme(of: url))…\""
                )
            }
        } else {
            config.database = .sqliteFile((config.dataDirectory as NSString).appendingPathComponent("posture.sqlite"))
        }

        if flags.noDemo {
            config.demo = false
        } else if let text = env("POSTURE_DEMO") {
            switch text.lowercased() {
            case "1", "true", "yes", "on": config.demo = true
            case "0", "false", "no", "off": config.demo = false
            default: problems.append("POSTURE_DEMO must be true or false, got \"\(text)\"")
            }
        }
        if let text = env("POSTURE_DEMO_DAYS") {
            if let days = Int(text), (1...3650).contains(days) {
                config.demoDays = days
            } else {
                problems.append("POSTURE_DEMO_DAYS must be a whole number from 1 to 3650, got \"\(text)\"")
            }
        }
        if let text = env("POSTURE_DEMO_PEERS") {
            if let peers = Int(text), (0...DemoPeers.maximumCount).contains(peers) {
                config.demoPeers = peers
            } else {
                problems.append(
                    "POSTURE_DEMO_PEERS must be a whole number from 0 to \(DemoPeers.maximumCount), got \"\(text)\""
                )
            }
        }
        if let text = env("POSTURE_SYNC_TIME") {
            let parts = text.split(separator: ":").map { Int($0) }
            if parts.count == 2, let hour = parts[0], let minute = parts[1], (0..<24).contains(hour),
                (0..<60).contains(minute)
            {
                config.syncMinuteOfDay = hour * 60 + minute
            } else {
                problems.append("POSTURE_SYNC_TIME must be a UTC time like 02:00, got \"\(text)\"")
            }
        }
        config.keysDirectory = env("POSTURE_KEYS_DIR")
        if let url = env("POSTURE_PUBLIC_URL") {
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                config.publicBaseURL = url
            } else {
                problems.append("POSTURE_PUBLIC_URL must be an http(s) URL, got \"\(url)\"")
            }
        }
        config.catalogDirectory = flags.catalogDirectory ?? env("POSTURE_CATALOG_DIR")
        if let level = env("POSTURE_LOG_LEVEL") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            if levels.contains(level.lowercased()) {
                config.logLevel = level.lowercased()
            } else {
                problems.append("POSTURE_LOG_LEVEL must be one of \(levels.joined(separator: ", ")), got \"\(level)\"")
            }
        }
        if let password = environment["POSTURE_ADMIN_PASSWORD"], !password.isEmpty {
            let weaknesses = PasswordPolicy.problems(password, username: "admin")
            if weaknesses.isEmpty {
                config.adminPassword = password
            } else {
                // The value itself is never echoed.
                problems.append("POSTURE_ADMIN_PASSWORD " + weaknesses.joined(separator: "; "))
            }
        }
        if let text = env("POSTURE_MAX_EVIDENCE_MB") {
            if let megabytes = Int(text), (1...4096).contains(megabytes) {
                config.maxEvidenceMegabytes = megabytes
            } else {
                problems.append("POSTURE_MAX_EVIDENCE_MB must be a whole number from 1 to 4096, got \"\(text)\"")
            }
        }
        if let text = env("POSTURE_SPOOL_DIR") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), isDirectory.boolValue {
                config.spoolDirectory = text
            } else {
                problems.append("POSTURE_SPOOL_DIR must be an existing folder, got \"\(text)\"")
            }
        }
        if let text = env("POSTURE_READ_BUDGET") {
            if let units = Int(text), (100...10_000_000).contains(units) {
                config.readBudgetPerSecond = units
            } else {
                problems.append("POSTURE_READ_BUDGET must be a whole number from 100 to 10000000, got \"\(text)\"")
            }
        }
        if let text = env("POSTURE_COLLECTIONS") {
            if let count = Int(text), (0...64).contains(count) {
                config.collectionConcurrency = count
            } else {
                problems.append(
                    "POSTURE_COLLECTIONS must be a whole number from 0 (this node collects nothing) to 64, got \"\(text)\""
                )
            }
        }
        if let text = env("POSTURE_COLLECTION_LEASE") {
            if let seconds = Int(text), (5...3600).contains(seconds) {
                config.collectionLeaseSeconds = seconds
            } else {
                problems.append(
                    "POSTURE_COLLECTION_LEASE must be a whole number of seconds from 5 to 3600, got \"\(text)\""
                )
            }
        }
        if let text = env("POSTURE_DELIVERIES") {
            if let count = Int(text), (0...64).contains(count) {
                config.deliveryConcurrency = count
            } else {
                problems.append(
                    "POSTURE_DELIVERIES must be a whole number from 0 (this node sends nothing) to 64, got \"\(text)\""
                )
            }
        }
        if let text = env("POSTURE_DELIVERY_LEASE") {
            // A send takes at most 15 s (30 s for e-mail): a shorter lease would let a second node
            // send while the first still waits for its answer.
            if let seconds = Int(text), (35...3600).contains(seconds) {
                config.deliveryLeaseSeconds = seconds
            } else {
                problems.append(
                    "POSTURE_DELIVERY_LEASE must be a whole number of seconds from 35 (longer than a send) to 3600, got \"\(text)\""
                )
            }
        }
        if let text = env("POSTURE_ALLOW_PRIVATE_TARGETS") {
            switch text.lowercased() {
            case "1", "true", "yes", "on": config.allowPrivateTargets = true
            case "0", "false", "no", "off": config.allowPrivateTargets = false
            default: problems.append("POSTURE_ALLOW_PRIVATE_TARGETS must be true or false, got \"\(text)\"")
            }
        }
        if let path = env("POSTURE_OUTBOUND_CA_FILE") {
            if let pem = try? String(contentsOfFile: path, encoding: .utf8), pem.contains("-----BEGIN CERTIFICATE-----")
            {
                config.outboundTrustRoots = pem
            } else {
                problems.append(
                    "POSTURE_OUTBOUND_CA_FILE must name a readable PEM file of certificates, got \"\(path)\""
                )
            }
        }
        if let text = env("POSTURE_DNS_SERVER") {
            do {
                config.dnsResolver = try DNSResolver(parsing: text)
            } catch {
                problems.append("POSTURE_DNS_SERVER \(error.description)")
            }
        }
        if let list = env("POSTURE_ALLOWED_HOSTS") {
            let hosts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty }
            let invalid = hosts.filter { host in
                host.contains { !($0.isLetter || $0.isNumber || ".-:[]".contains($0)) } || host.hasPrefix(":")
            }
            if invalid.isEmpty {
                config.allowedHosts = Set(hosts)
            } else {
                problems.append(
                    "POSTURE_ALLOWED_HOSTS must list host names (name or name:port) separated by commas; not host names: \(invalid.joined(separator: ", "))"
                )
            }
        }
        if let list = env("POSTURE_TRUSTED_PROXIES") {
            let addresses = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            let invalid = addresses.filter { !ClientAddress.isAddress($0) }
            if invalid.isEmpty {
                config.trustedProxies = Set(addresses)
            } else {
                problems.append(
                    "POSTURE_TRUSTED_PROXIES must list IP addresses separated by commas; not addresses: \(invalid.joined(separator: ", "))"
                )
            }
        }
        if let path = env("POSTURE_OIDC_ISSUERS") {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                do {
                    config.externalIssuers = try ExternalIssuer.decodeList(
                        text,
                        file: path,
                        environment: environment
                    )
                } catch {
                    problems.append("POSTURE_OIDC_ISSUERS: the issuers file is invalid:\n" + error.description)
                }
            } else {
                problems.append("POSTURE_OIDC_ISSUERS names \"\(path)\", which cannot be read")
            }
        }
        if let text = env("POSTURE_PASSWORD_SIGN_IN") {
            switch text.lowercased() {
            case "1", "true", "yes", "on": config.passwordSignIn = true
            case "0", "false", "no", "off": config.passwordSignIn = false
            default: problems.append("POSTURE_PASSWORD_SIGN_IN must be on or off, got \"\(text)\"")
            }
        }
        if !config.passwordSignIn, !config.externalIssuers.contains(where: { $0.signIn != nil }) {
            problems.append(
                "POSTURE_PASSWORD_SIGN_IN is off but no issuer in POSTURE_OIDC_ISSUERS has signIn: nobody could sign in to the dashboard"
            )
        }
        if let text = env("POSTURE_PDF_ENGINE") {
            if ["off", "none", "false", "0"].contains(text.lowercased()) {
                config.pdfEngine = .off
            } else if FileManager.default.isExecutableFile(atPath: text) {
                config.pdfEngine = .executable(text)
            } else {
                problems.append(
                    "POSTURE_PDF_ENGINE must name an executable (chromium-headless-shell or chromium) or be off, got \"\(text)\""
                )
            }
        }
        if let text = env("POSTURE_SESSION_HOURS") {
            if let hours = Int(text), (1...720).contains(hours) {
                config.sessionHours = hours
            } else {
                problems.append("POSTURE_SESSION_HOURS must be a whole number of hours from 1 to 720, got \"\(text)\"")
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return config
    }

    /// Only the scheme of a URL, so a mistyped URL with a password is never echoed back.
    static func scheme(of url: String) -> String {
        String(url.prefix { $0 != ":" }.prefix(20))
    }
}

/// Where reports' PDFs come from.
public enum PDFEngineChoice: Sendable, Equatable {
    /// chromium-headless-shell or chromium on `PATH`, if there is one.
    case automatic
    case executable(String)
    /// No PDFs: asking for one is refused at once.
    case off
}

public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var problems: [String]

    public var description: String {
        "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
