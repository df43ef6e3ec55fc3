import Foundation
import PostureTestSupport
import Testing

@testable import PostureCollector

/// The DNS wire format as tables, and lookups against a local DNS server over real UDP.
@Suite struct DNSResolverTests {
    @Test func aQueryAsksForTextRecursivelyWithEDNS() throws {
        let query = try DNSMessage.query(id: 0xBEEF, name: "contoso.com.")
        #expect(Array(query[0..<12]) == [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1])
        #expect(Array(query[12..<25]) == [7] + Array("contoso".utf8) + [3] + Array("com".utf8) + [0])
        #expect(Array(query[25..<29]) == [0, 16, 0, 1], "TXT, IN")
        #expect(Array(query[29...]) == [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0], "OPT with a 1,232-byte payload")
    }

    @Test(arguments: ["", "a..b", String(repeating: "x", count: 64) + ".com", "münchen.de", "a b.com"])
    func namesDNSCannotCarryAreRefused(_ name: String) {
        #expect(throws: DNSMessage.Problem.badName(name)) { try DNSMessage.query(id: 1, name: name) }
    }

    /// An answer: header, the question, then answers pointing back at it.
    static func answer(flags: UInt16 = 0x8180, records: [[String]], extraType: UInt16? = nil) -> [UInt8] {
        var bytes: [UInt8] = [0x12, 0x34, UInt8(flags >> 8), UInt8(flags & 0xFF), 0, 1, 0]
        bytes.append(UInt8(records.count + (extraType == nil ? 0 : 1)))
        bytes += [0, 0, 0, 0]
        bytes += [3] + Array("net".utf8) + [0, 0, 16, 0, 1]
        if let extraType {
            bytes += [0xC0, 12, UInt8(extraType >> 8), UInt8(extraType & 0xFF), 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 12]
        }
        for strings in records {
            let data = strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            bytes += [0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, UInt8(data.count)] + data
        }
        return bytes
    }

    @Test func answersGiveEachRecordWithItsStringsJoined() throws {
        let parsed = try DNSMessage.textRecords(
            Self.answer(records: [["v=spf1 include:spf.protection.outlook.com", " -all"], ["MS=ms1"]], extraType: 5)
        )
        #expect(parsed.id == 0x1234)
        #expect(parsed.records == ["v=spf1 include:spf.protection.outlook.com -all", "MS=ms1"], "the CNAME is skipped")
    }

    @Test(
        arguments: [
            (0x8183, nil, "NXDOMAIN: no records"),
            (0x8182, DNSMessage.Problem.failed(rcode: 2), "SERVFAIL"),
            (0x8185, DNSMessage.Problem.failed(rcode: 5), "REFUSED"),
            (0x8380, DNSMessage.Problem.truncated, "truncated"),
            (0x0100, DNSMessage.Problem.malformed("not an answer"), "a query, not an answer"),
        ] as [(Int, DNSMessage.Problem?, String)]
    )
    func answerCodes(_ flags: Int, _ problem: DNSMessage.Problem?, _ label: String) throws {
        let bytes = Self.answer(flags: UInt16(flags), records: [])
        if let problem {
            #expect(throws: problem, "\(label)") { try DNSMessage.textRecords(bytes) }
        } else {
            #expect(try DNSMessage.textRecords(bytes).records.isEmpty, "\(label)")
        }
    }

    /// Every prefix of a well-formed answer is refused as malformed, never read past its end.
    @Test func cutAnswersAreMalformedNotCrashes() throws {
        let whole = Self.answer(records: [["v=spf1 -all"]])
        for length in 0..<whole.count {
            #expect(throws: DNSMessage.Problem.self) { try DNSMessage.textRecords(Array(whole.prefix(length))) }
        }
    }

    @Test(
        arguments: [
            ("192.0.2.53", "192.0.2.53", 53), ("192.0.2.53:5353", "192.0.2.53", 5353),
            ("2001:db8::53", "2001:db8::53", 53), ("[2001:db8::53]:5353", "2001:db8::53", 5353),
        ] as [(String, String, Int)]
    )
    func serverAddresses(_ text: String, _ host: String, _ port: Int) throws {
        let resolver = try DNSResolver(parsing: text)
        #expect(resolver.host == host && resolver.port == port)
    }

    @Test(arguments: ["dns.example", "192.0.2.53:0", "192.0.2.53:70000", "[2001:db8::53", "", "192.0.2.53:x"])
    func unusableServerAddresses(_ text: String) {
        #expect(throws: DNSResolverProblem.self) { try DNSResolver(parsing: text) }
    }

    @Test func theSystemResolverIsResolvConfsFirstNameserver() {
        let conf = "# generated\nsearch example\nnameserver bogus\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n"
        #expect(DNSResolver.system(resolvConf: conf)?.host == "10.0.0.2")
        #expect(DNSResolver.system(resolvConf: "search example\n") == nil)
    }

    @Test func lookupsOverUDP() async throws {
        var script = RecordedDNSServer.Script(records: [
            "contoso.com": [
                "v=spf1 include:spf.protection.outlook.com " + String(repeating: "ip4:192.0.2.1 ", count: 30) + "-all"
            ]
        ])
        script.failing = ["broken.example"]
        script.silent = ["silent.example"]
        script.truncated = ["contoso.com"]
        let dns = try await RecordedDNSServer.start(script)
        defer { Task { try? await dns.stop() } }
        let resolver = DNSResolver(host: "127.0.0.1", port: dns.port, timeout: 0.3, attempts: 2)

        let records = try await resolver.textRecords("Contoso.com")
        #expect(records.count == 1 && records[0].hasSuffix("-all") && records[0].utf8.count > 255, "split and joined")
        #expect(dns.questions.filter { $0 == "contoso.com" }.count == 2, "truncated over UDP, asked again over TCP")
        #expect(try await resolver.textRecords("nothing.example").isEmpty)
        await #expect(throws: CollectorError.self) { try await resolver.textRecords("broken.example") }
        let started = Date()
        do {
            _ = try await resolver.textRecords("silent.example")
            Issue.record("a server that never answers must fail the lookup")
        } catch {
            #expect(error.description.contains("for silent.example: no answer within 0.3 s"), "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 5, "two attempts of 0.3 s, not a hang")
        #expect(dns.questions.filter { $0 == "broken.example" }.count == 2, "SERVFAIL is tried again")
        #expect(dns.questions.filter { $0 == "silent.example" }.count == 2)
    }
}
