/// The DNS wire format (RFC 1035), as much of it as a TXT lookup needs: a query with an EDNS(0)
/// record asking for answers up to 1,232 bytes over UDP (RFC 6891), and the TXT records of an
/// answer. Every read is bounds-checked: a malformed answer is an error, never a crash.
enum DNSMessage {
    static let textType: UInt16 = 16
    static let optType: UInt16 = 41
    static let udpPayload: UInt16 = 1_232

    enum Problem: Error, Equatable, CustomStringConvertible {
        case badName(String)
        case malformed(String)
        case truncated
        case failed(rcode: Int)
        case timedOut(seconds: Double)

        var description: String {
            switch self {
            case .badName(let name): "\"\(name)\" is not a domain name DNS can look up"
            case .malformed(let why): "the DNS answer is malformed (\(why))"
            case .truncated: "the DNS answer was truncated (larger than 1,232 bytes)"
            case .timedOut(let seconds): "no answer within \(seconds) s"
            case .failed(let rcode): "the DNS server answered \(Self.rcodeName(rcode))"
            }
        }

        static func rcodeName(_ rcode: Int) -> String {
            switch rcode {
            case 1: "FORMERR"
            case 2: "SERVFAIL"
            case 4: "NOTIMP"
            case 5: "REFUSED"
            default: "RCODE \(rcode)"
            }
        }
    }

    /// A recursive query for the TXT records of `name`.
    static func query(id: UInt16, name: String) throws(Problem) -> [UInt8] {
        var bytes: [UInt8] = []
        append(id, to: &bytes)
        append(0x0100, to: &bytes)  // recursion desired
        for count: UInt16 in [1, 0, 0, 1] { append(count, to: &bytes) }  // one question, one OPT
        bytes += try encode(name)
        append(textType, to: &bytes)
        append(1, to: &bytes)  // IN
        // OPT: root name, type 41, class = UDP payload size, extended RCODE and flags 0, no data.
        bytes.append(0)
        append(optType, to: &bytes)
        append(udpPayload, to: &bytes)
        bytes += [0, 0, 0, 0, 0, 0]
        return bytes
    }

    /// An ASCII host name (letters, digits, hyphens and underscores) as length-prefixed labels; a
    /// trailing dot is allowed.
    static func encode(_ name: String) throws(Problem) -> [UInt8] {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = trimmed.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-_.".unicodeScalars.contains(scalar))
        }
        guard !trimmed.isEmpty, trimmed.utf8.count <= 253, allowed,
            labels.allSatisfy({ (1...63).contains($0.utf8.count) })
        else { throw .badName(name) }
        var bytes: [UInt8] = []
        for label in labels {
            bytes.append(UInt8(label.utf8.count))
            bytes += Array(label.utf8)
        }
        bytes.append(0)
        return bytes
    }

    /// The answer's id, and its TXT records (each record's strings joined, as SPF reads them);
    /// NXDOMAIN is no records.
    static func textRecords(_ message: [UInt8]) throws(Problem) -> (id: UInt16, records: [String]) {
        var reader = Reader(bytes: message)
        let id = try reader.u16()
        let flags = try reader.u16()
        guard flags & 0x8000 != 0 else { throw .malformed("not an answer") }
        guard flags & 0x0200 == 0 else { throw .truncated }
        let rcode = Int(flags & 0x000F)
        let questions = try reader.u16()
        let answers = try reader.u16()
        _ = try reader.u16()
        _ = try reader.u16()
        if rcode == 3 { return (id, []) }
        guard rcode == 0 else { throw .failed(rcode: rcode) }
        for _ in 0..<questions {
            try reader.skipName()
            try reader.skip(4)
        }
        var records: [String] = []
        for _ in 0..<answers {
            try reader.skipName()
            let type = try reader.u16()
            try reader.skip(6)  // class and TTL
            let length = Int(try reader.u16())
            let data = try reader.take(length)
            guard type == textType else { continue }  // a CNAME on the way, say
            var strings = Reader(bytes: data)
            var text: [UInt8] = []
            while !strings.atEnd {
                let count = Int(try strings.u8())
                text += try strings.take(count)
            }
            records.append(String(decoding: text, as: UTF8.self))
        }
        return (id, records)
    }

    static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset >= bytes.count }

        mutating func u8() throws(Problem) -> UInt8 {
            guard offset < bytes.count else { throw .malformed("ends early") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u16() throws(Problem) -> UInt16 {
            UInt16(try u8()) << 8 | UInt16(try u8())
        }

        mutating func take(_ count: Int) throws(Problem) -> [UInt8] {
            guard count >= 0, offset + count <= bytes.count else { throw .malformed("ends early") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func skip(_ count: Int) throws(Problem) { _ = try take(count) }

        /// Skips a name: labels up to the root, or up to a compression pointer (which ends it).
        mutating func skipName() throws(Problem) {
            for _ in 0..<128 {
                let length = try u8()
                if length == 0 { return }
                if length & 0xC0 == 0xC0 {
                    _ = try u8()
                    return
                }
                guard length & 0xC0 == 0 else { throw .malformed("bad label") }
                try skip(Int(length))
            }
            throw .malformed("name too long")
        }
    }
}
