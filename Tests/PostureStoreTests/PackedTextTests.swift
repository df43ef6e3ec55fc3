import Foundation
import Testing

@testable import PostureStore

/// The packed history columns: any text comes back exactly, and a damaged value is refused with
/// an error rather than read as something else or allowed to claim a huge allocation.
@Suite struct PackedTextTests {
    @Test(arguments: [
        "", "a", "{\"changed\":[]}", String(repeating: "points 3.7142857142857144 ", count: 2_000),
        "ünïcødé “quotes” 🛡️ \u{0}",
    ])
    func roundTrips(_ text: String) throws {
        #expect(try PackedText.unpack(PackedText.pack(text)) == text)
    }

    /// Packing never costs more than the format byte: a text too short to gain is kept as it is.
    @Test(arguments: ["a", "{\"changed\":[]}", (0..<5_000).map { String($0 * 7_919 % 10_007) }.joined(separator: ",")])
    func packingNeverCostsMoreThanAByte(_ text: String) throws {
        let packed = PackedText.pack(text)
        #expect(try PackedText.unpack(packed) == text)
        #expect(packed.count <= text.utf8.count + 1)
        if text.utf8.count < 20 { #expect(packed == Data([PackedText.plain] + Array(text.utf8))) }
    }

    /// History-like text shrinks severalfold: the point of packing it.
    @Test func historyShrinks() throws {
        let text = (0..<200).map { "{\"achieved\":\($0 % 90),\"id\":\"scid_\($0 % 40)\",\"points\":\(Double($0) / 7)}" }
            .joined(separator: ",")
        #expect(PackedText.pack(text).count * 3 < text.utf8.count)
    }

    /// Stored values are read with the dictionary they were written with: changing it in place
    /// would make every stored value unreadable, so its bytes are pinned here.
    @Test func theDictionaryIsFrozen() {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in PackedTextDictionary.v1 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        #expect(PackedTextDictionary.v1.count == 3_588)
        #expect(hash == 1_982_125_493_605_357_011)
    }

    @Test func damagedValuesAreRefused() throws {
        let packed = PackedText.pack(String(repeating: "history ", count: 100))
        #expect(packed.first == PackedText.format)
        var wrongFormat = packed
        wrongFormat[0] = 9
        var hugeLength = packed
        hugeLength[1] = 0xFF
        var shortLength = packed
        shortLength[4] &-= 1
        var flipped = packed
        flipped[packed.count / 2] ^= 0xFF
        for damaged in [
            Data(), packed.prefix(4), Data([7, 1]), wrongFormat, hugeLength, shortLength, flipped,
            packed.prefix(packed.count - 3),
        ] {
            #expect(throws: PackedText.Corrupt.self) { try PackedText.unpack(damaged) }
        }
    }
}
