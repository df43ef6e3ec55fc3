import Foundation

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's cost when there is nothing to
    /// trim (the usual query option): ends that are ASCII other than space and tab are kept as
    /// they are; anything else goes to Foundation.
    func trimmingWhitespace() -> String {
        guard let first = utf8.first, let last = utf8.last else { return "" }
        func plain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }
        if plain(first) && plain(last) { return String(self) }
        return trimmingCharacters(in: .whitespaces)
    }
}
