import Foundation

/// RFC 4180 CSV: every field that needs it is quoted, quotes doubled, lines end with CRLF-free
/// `\n` (what spreadsheet tools and `csvkit` accept).
public enum CSVWriter {
    public static func render(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(escape).joined(separator: ",") }.joined(separator: "\n")
    }

    public static func escape(_ field: String) -> String {
        // A leading =, +, - or @ would be run as a formula by spreadsheets: prefix a quote.
        var value = field
        if let first = value.first, "=+-@".contains(first), Double(value) == nil {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
