import SQLKit

extension SQLRow {
    /// A nullable column: SQL NULL is nil. The drivers convert a plain type directly, but take an
    /// optional through a nested decoder (on SQLite after a failed dynamic cast) at several times
    /// the cost, which reads of hundreds of rows (a year of snapshots) feel.
    func decodeIfPresent<T: Decodable>(column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}
