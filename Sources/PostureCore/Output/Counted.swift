/// "1 entity", "3 entities": a count with its noun in the right number, for every message that
/// states how many of something there are.
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
