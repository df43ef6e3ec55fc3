import Foundation
import PostureApp
import PostureCollector
import PostureCore
import Testing

@Suite struct PostureConfigurationTests {
    typealias Flags = PostureConfiguration.Flags

    @Test func defaultsUseEmbeddedSQLiteInTheDataDirectory() throws {
        let configuration = try PostureConfiguration.load(flags: Flags(), environment: [:])
        #expect(configuration.host == "127.0.0.1" && configuration.port == 8080)
        #expect(configuration.database == .sqliteFile("./.posture/posture.sqlite"))
        #expect(configuration.demo && configuration.demoDays == 120 && configuration.syncMinuteOfDay == 120)
        #expect(configuration.resolvedKeysDirectory == "./.posture/keys")
    }

    @Test func flagsBeatEnvironmentWhichBeatsDefaults() throws {
        let environment = [
            "POSTURE_HOST": "0.0.0.0", "POSTURE_PORT": "9000", "POSTURE_DATA_DIR": "/var/lib/posture",
            "DATABASE_URL": "postgres://u:p@db:5432/posture", "POSTURE_DEMO": "off", "POSTURE_SYNC_TIME": "23:45",
        ]
        let fromEnvironment = try PostureConfiguration.load(flags: Flags(), environment: environment)
        #expect(fromEnvironment.host == "0.0.0.0" && fromEnvironment.port == 9000)
        #expect(fromEnvironment.database == .postgres("postgres://u:p@db:5432/posture"))
        #expect(!fromEnvironment.demo && fromEnvironment.syncMinuteOfDay == 23 * 60 + 45)
        let fromFlags = try PostureConfiguration.load(
            flags: Flags(host: "127.0.0.2", port: 7000, databaseURL: "sqlite:///tmp/x.sqlite", dataDirectory: "/d"),
            environment: environment
        )
        #expect(fromFlags.host == "127.0.0.2" && fromFlags.port == 7000)
        #expect(fromFlags.database == .sqliteFile("/tmp/x.sqlite") && fromFlags.dataDirectory == "/d")
        let noURL = try PostureConfiguration.load(flags: Flags(dataDirectory: "/srv/p"), environment: [:])
        #expect(noURL.database == .sqliteFile("/srv/p/posture.sqlite"))
    }

    @Test func everyProblemIsListedAndNoSecretIsEchoed() {
        let environment = [
            "POSTURE_PORT": "eighty", "DATABASE_URL": "mysql://root:hunter2@db/posture", "POSTURE_DEMO": "maybe",
            "POSTURE_SYNC_TIME": "7pm", "POSTURE_PUBLIC_URL": "ftp://x",
            "POSTURE_LOG_LEVEL": "loud", "POSTURE_DEMO_DAYS": "0", "POSTURE_DEMO_PEERS": "51",
        ]
        #expect {
            try PostureConfiguration.load(flags: Flags(), environment: environment)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            let text = error.description
            return error.problems.count == 8 && !text.contains("hunter2")
                && [
                    "POSTURE_PORT", "database URL", "POSTURE_DEMO ", "POSTURE_SYNC_TIME",
                    "POSTURE_PUBLIC_URL", "POSTURE_LOG_LEVEL", "POSTURE_DEMO_DAYS", "POSTURE_DEMO_PEERS must be",
                ].allSatisfy { text.contains($0) }
        }
        #expect(throws: ConfigurationError.self) {
            try PostureConfiguration.load(flags: Flags(port: 70000), environment: [:])
        }
    }

    @Test func theDNSServerIsAnAddressOrAClearProblem() throws {
        let set = try PostureConfiguration.load(flags: Flags(), environment: ["POSTURE_DNS_SERVER": "[::1]:5353"])
        #expect(set.dnsResolver?.host == "::1" && set.dnsResolver?.port == 5353)
        #expect {
            try PostureConfiguration.load(flags: Flags(), environment: ["POSTURE_DNS_SERVER": "dns.example"])
        } throws: { error in
            "\(error)".contains("POSTURE_DNS_SERVER must be an IP address with an optional port")
                && "\(error)".contains("got \"dns.example\"")
        }
    }

    @Test func outboundSettings() throws {
        let defaults = try PostureConfiguration.load(flags: Flags(), environment: [:])
        #expect(defaults.deliveryConcurrency == 4 && !defaults.allowPrivateTargets)
        #expect(defaults.deliveryLeaseSeconds == 60)
        let set = try PostureConfiguration.load(
            flags: Flags(),
            environment: [
                "POSTURE_DELIVERIES": "0", "POSTURE_ALLOW_PRIVATE_TARGETS": "true", "POSTURE_DELIVERY_LEASE": "35",
            ]
        )
        #expect(set.deliveryConcurrency == 0 && set.allowPrivateTargets && set.deliveryLeaseSeconds == 35)
        #expect {
            try PostureConfiguration.load(
                flags: Flags(),
                environment: [
                    "POSTURE_DELIVERIES": "65", "POSTURE_ALLOW_PRIVATE_TARGETS": "sometimes",
                    "POSTURE_DELIVERY_LEASE": "10",
                ]
            )
        } throws: { error in
            "\(error)".contains("POSTURE_DELIVERIES must be") && "\(error)".contains("POSTURE_DELIVERY_LEASE must be")
                && "\(error)".contains("POSTURE_ALLOW_PRIVATE_TARGETS must be")
        }
        let pem = FileManager.default.temporaryDirectory.appendingPathComponent("posture-ca-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: pem) }
        try "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".write(
            to: pem,
            atomically: true,
            encoding: .utf8
        )
        let trusted = try PostureConfiguration.load(flags: Flags(), environment: ["POSTURE_OUTBOUND_CA_FILE": pem.path])
        #expect(trusted.outboundTrustRoots?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        #expect(defaults.outboundTrustRoots == nil)
        #expect {
            try PostureConfiguration.load(
                flags: Flags(),
                environment: ["POSTURE_OUTBOUND_CA_FILE": "/nonexistent/ca.pem"]
            )
        } throws: { error in
            "\(error)".contains("POSTURE_OUTBOUND_CA_FILE must name a readable PEM file")
        }
    }

    @Test func identitySettingsAreCheckedWithoutEchoingSecrets() throws {
        let good = try PostureConfiguration.load(
            flags: Flags(),
            environment: [
                "POSTURE_TRUSTED_PROXIES": "10.0.0.2, ::1", "POSTURE_ADMIN_PASSWORD": "a long enough passphrase",
            ]
        )
        #expect(good.trustedProxies == ["10.0.0.2", "::1"] && good.adminPassword == "a long enough passphrase")
        #expect {
            try PostureConfiguration.load(
                flags: Flags(),
                environment: [
                    "POSTURE_TRUSTED_PROXIES": "10.0.0.2, proxy.local", "POSTURE_ADMIN_PASSWORD": "hunter2",
                    "POSTURE_OIDC_ISSUERS": "/nonexistent/issuers.json",
                ]
            )
        } throws: { error in
            let text = "\(error)"
            return text.contains("not addresses: proxy.local")
                && text.contains("POSTURE_ADMIN_PASSWORD must be at least 12")
                && text.contains("/nonexistent/issuers.json") && !text.contains("hunter2")
        }
    }

    @Test func evidenceSizeLimitIsReadAndChecked() throws {
        #expect(try PostureConfiguration.load(flags: Flags(), environment: [:]).maxEvidenceMegabytes == 512)
        let set = try PostureConfiguration.load(flags: Flags(), environment: ["POSTURE_MAX_EVIDENCE_MB": "128"])
        #expect(set.maxEvidenceMegabytes == 128)
        for bad in ["0", "lots", "5000"] {
            #expect {
                try PostureConfiguration.load(flags: Flags(), environment: ["POSTURE_MAX_EVIDENCE_MB": bad])
            } throws: { error in
                "\(error)".contains("POSTURE_MAX_EVIDENCE_MB must be a whole number from 1 to 4096, got \"\(bad)\"")
            }
        }
    }

    @Test func redactedDatabaseHidesThePassword() {
        #expect(
            PostureConfiguration.DatabaseLocation.postgres("postgres://posture:s3cret@db:5432/posture").redacted
                == "postgres://posture:***@db:5432/posture"
        )
    }
}
