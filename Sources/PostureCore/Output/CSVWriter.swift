import Foundation

/// RFC 4180 CSV: every field that needs it is quoted, quotes doubled, lines end with CRLF-free
/// `\n` (what spreadsheet tools and `csvkit` accept).
public enum CSVWriter {
    public static func render(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(escape).joined(separator: ",") }.joined(separator: "\n")
    }

    /// Rows without a header, each ending in `\n`: for output written a page at a time after
    /// ``render(header:rows:)`` of the header alone.
    public static func rows(_ rows: [[String]]) -> String {
        rows.map { "\n" + $0.map(escape).joined(separator: ",") }.joined()
    }

    /// Characters that make a spreadsheet read a cell as a formula when they open it. Tabs and line
    /// breaks count too: spreadsheets skip them and then see what follows.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\n"]

    public static func escape(_ field: String) -> String {
        // Prefix a quote to anything a spreadsheet would run. Checked on Unicode scalars, after
        // leading spaces: `=` followed by a combining mark is one Character that is not `=`.
        var value = field
        let first = value.unicodeScalars.first { $0 != " " }
        if let first, formulaStarts.contains(first),
            Double(value.trimmingCharacters(in: .whitespaces)) == nil
        {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
