import CZlib
import Foundation

/// Stored history kept small: a text (JSON) compressed with zlib, for the columns that grow with
/// every day and every move (a snapshot's actions and categories, the change log's batches).
///
/// Layout: one format byte, then
/// - format 0: the text's UTF-8 as is (a text too short to gain from compression);
/// - format 1: the text's length as four bytes big-endian, then a zlib stream compressed against
///   ``PackedTextDictionary/v1``, which makes small values (a day's delta, a write's few moves)
///   about a quarter smaller than zlib alone.
/// The length lets a read allocate once and refuse a corrupt or hostile value before inflating.
enum PackedText {
    static let plain: UInt8 = 0
    static let format: UInt8 = 1
    /// No stored text comes near this; a larger claimed length means the value is corrupt.
    static let maximumLength = 64 << 20

    struct Corrupt: Error, CustomStringConvertible {
        var description: String
    }

    static func pack(_ text: String) -> Data {
        let input = Array(text.utf8)
        let compressed = deflate(input, dictionary: PackedTextDictionary.v1)
        guard compressed.count + 5 < input.count + 1 else { return Data([plain] + input) }
        let length = UInt32(input.count)
        var output: [UInt8] = [format, UInt8(length >> 24), UInt8((length >> 16) & 0xFF)]
        output += [UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        return Data(output + compressed)
    }

    static func unpack(_ data: Data) throws -> String {
        let bytes = [UInt8](data)
        guard let kind = bytes.first else { throw Corrupt(description: "a packed history value is empty") }
        if kind == plain { return String(decoding: bytes.dropFirst(), as: UTF8.self) }
        guard bytes.count >= 5, kind == format else {
            throw Corrupt(description: "a packed history value has an unknown format")
        }
        let length = Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
        guard length <= maximumLength else {
            throw Corrupt(description: "a packed history value claims \(length) bytes")
        }
        let text = try inflate(
            Array(bytes.dropFirst(5)),
            length: length,
            dictionary: PackedTextDictionary.v1
        )
        return String(decoding: text, as: UTF8.self)
    }

    private static func deflate(_ input: [UInt8], dictionary: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit_(&stream, Z_BEST_COMPRESSION, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        // Only a lack of memory fails here, which nothing can recover from.
        precondition(status == Z_OK, "zlib deflateInit failed with \(status)")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        dictionary.withUnsafeBufferPointer { words in
            _ = deflateSetDictionary(&stream, words.baseAddress, uInt(words.count))
        }
        var input = input
        status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END, "zlib deflate did not finish (\(status))")
        return Array(output.prefix(Int(stream.total_out)))
    }

    private static func inflate(_ input: [UInt8], length: Int, dictionary: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Corrupt(description: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var input = input
        var output = [UInt8](repeating: 0, count: max(length, 1))
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(length)
                var status = CZlib.inflate(&stream, Z_FINISH)
                if status == Z_NEED_DICT {
                    status = dictionary.withUnsafeBufferPointer { words in
                        inflateSetDictionary(&stream, words.baseAddress, uInt(words.count))
                    }
                    if status == Z_OK { status = CZlib.inflate(&stream, Z_FINISH) }
                }
                return status
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == length, stream.avail_in == 0 else {
            throw Corrupt(description: "a packed history value does not inflate (zlib status \(status))")
        }
        return Array(output.prefix(length))
    }
}
