/// Checks on rendered markup shared by the page tests.
enum MarkupChecks {
    /// True when a quote, apostrophe or `<` appears raw followed by a combining mark, or (unless
    /// tags are allowed) appears raw at all.
    static func hasRawSpecial(_ markup: String, allowTags: Bool = false) -> Bool {
        let scalars = Array(markup.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where ["\"", "'", "<"].contains(scalar) {
            if !allowTags { return true }
            if index + 1 < scalars.count, scalars[index + 1].properties.generalCategory == .nonspacingMark {
                return true
            }
        }
        return false
    }
}
