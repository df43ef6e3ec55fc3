/// The paper a report is laid out for.
public enum ReportPaper: String, Sendable, CaseIterable, Codable {
    case a4, letter
}
