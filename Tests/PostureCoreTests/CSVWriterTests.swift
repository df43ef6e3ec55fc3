import PostureCore
import Testing

/// Cells a spreadsheet would run as a formula get a leading quote, however they are disguised.
@Suite struct CSVWriterTests {
    @Test(arguments: [
        ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
        // A combining mark makes `=` part of another Character; the scalar is still `=`.
        ("=\u{301}HYPERLINK(\"x\")", "\"'=\u{301}HYPERLINK(\"\"x\"\")\""),
        // Spreadsheets skip leading tabs, line breaks and spaces before reading a formula.
        ("\r=1+1", "\"'\r=1+1\""), ("\t=1+1", "'\t=1+1"), ("  =1+1", "'  =1+1"), ("\n@x", "\"'\n@x\""),
        // Numbers and plain text are left alone.
        ("-5", "-5"), ("+3.5", "+3.5"), ("plain", "plain"), ("a,b", "\"a,b\""), ("", ""),
    ])
    func formulasAreNeutralised(field: String, expected: String) {
        #expect(CSVWriter.escape(field).unicodeScalars.elementsEqual(expected.unicodeScalars), "\(field)")
    }

    @Test func pagesOfRowsFollowTheHeader() {
        let header = CSVWriter.render(header: ["a", "b"], rows: [])
        let whole = CSVWriter.render(header: ["a", "b"], rows: [["1", "2"], ["3", "4"]])
        #expect(header + CSVWriter.rows([["1", "2"]]) + CSVWriter.rows([["3", "4"]]) == whole)
    }
}
