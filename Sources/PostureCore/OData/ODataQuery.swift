import Foundation

/// The OData system query options of one collection request, validated against a resource schema.
public struct ODataQuery: Sendable, Equatable {
    public var top: Int?
    public var skip: Int
    public var filter: ODataFilter?
    /// Property names in the schema's spelling, in the order asked for; `nil` means all.
    public var select: [String]?
    public var orderBy: [ODataOrderItem]
    /// Whether the response carries `@odata.count`.
    public var count: Bool

    public init(
        top: Int? = nil,
        skip: Int = 0,
        filter: ODataFilter? = nil,
        select: [String]? = nil,
        orderBy: [ODataOrderItem] = [],
        count: Bool = false
    ) {
        self.top = top
        self.skip = skip
        self.filter = filter
        self.select = select
        self.orderBy = orderBy
        self.count = count
    }

    /// Graph caps `$top` at 1000.
    public static let maximumTop = 1_000
    /// Far beyond any collection here (ten years of days, a catalog of actions), and small enough
    /// that `$skip + $top` and every page computation stay far from overflowing.
    public static let maximumSkip = 100_000
}

/// One `$orderby` key.
public struct ODataOrderItem: Sendable, Equatable {
    /// The schema's spelling of the property.
    public var property: String
    public var descending: Bool
    /// Decides how values compare: date-times as instants, text ignoring case, …
    public var propertyType: ODataPropertyType

    public init(property: String, descending: Bool = false, propertyType: ODataPropertyType = .string) {
        self.property = property
        self.descending = descending
        self.propertyType = propertyType
    }
}

extension ODataQuery {
    /// Options Graph defines but this server does not implement; asking for one is an error rather
    /// than a silently different result.
    private static let unsupportedOptions: Set<String> = [
        "search", "format", "apply", "compute", "skiptoken", "deltatoken", "levels", "index", "schemaversion",
    ]

    /// Reads the query options of one request. Names are matched case-insensitively, with or without
    /// the `$` (Graph v1.0 makes it optional), and a name still carrying `%24` is decoded once more.
    /// Parameters without a `$` that are not query options are ignored; any other `$` option, a
    /// repeated option or an invalid value is an error naming the option.
    public static func parse(
        _ parameters: [(name: String, value: String)],
        schema: [String: ODataPropertyType]
    ) throws(ODataQueryError) -> ODataQuery {
        var query = ODataQuery()
        var seen: Set<String> = []
        for parameter in parameters {
            var name = parameter.name
            if name.lowercased().contains("%24") {
                name = name.removingPercentEncoding ?? name
            }
            name = name.trimmingWhitespace().lowercased()
            let hasDollar = name.hasPrefix("$")
            let option = hasDollar ? String(name.dropFirst()) : name
            let canonical = "$" + option
            let value = parameter.value
            switch option {
            case "top", "skip", "filter", "select", "orderby", "count", "expand":
                guard !seen.contains(option) else {
                    throw ODataQueryError(parameter: canonical, message: "\(canonical) is given more than once")
                }
                seen.insert(option)
            default:
                guard hasDollar else { continue }
                if unsupportedOptions.contains(option) {
                    throw ODataQueryError(parameter: canonical, message: "\(canonical) is not supported")
                }
                throw ODataQueryError(
                    parameter: canonical,
                    message: "\(canonical) is not supported; the supported options are "
                        + "$top, $skip, $filter, $select, $orderby, $count and $expand=*"
                )
            }
            switch option {
            case "top":
                query.top = try parseTop(value)
            case "skip":
                query.skip = try parseSkip(value)
            case "filter":
                query.filter = try ODataFilter.parse(value, schema: schema)
            case "select":
                query.select = try parseSelect(value, schema: schema)
            case "orderby":
                query.orderBy = try parseOrderBy(value, schema: schema)
            case "count":
                query.count = try parseCount(value)
            default:
                try checkExpand(value)
            }
        }
        return query
    }

    private static func parseTop(_ value: String) throws(ODataQueryError) -> Int {
        let text = value.trimmingWhitespace()
        guard isWholeNumber(text), text.utf8.count <= 9, let top = Int(text), top <= maximumTop else {
            throw ODataQueryError(
                parameter: "$top",
                message: "$top must be a whole number between 0 and \(maximumTop), got '\(value)'"
            )
        }
        return top
    }

    private static func parseSkip(_ value: String) throws(ODataQueryError) -> Int {
        let text = value.trimmingWhitespace()
        guard isWholeNumber(text), text.utf8.count <= 9, let skip = Int(text), skip <= maximumSkip else {
            throw ODataQueryError(
                parameter: "$skip",
                message: "$skip must be a whole number between 0 and \(maximumSkip), got '\(value)'"
            )
        }
        return skip
    }

    /// Digits only: `Int(_:)` alone would also take `+5` and `-0`.
    private static func isWholeNumber(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    private static func parseCount(_ value: String) throws(ODataQueryError) -> Bool {
        switch value.trimmingWhitespace().lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw ODataQueryError(parameter: "$count", message: "$count must be true or false, got '\(value)'")
        }
    }

    /// There are no navigation properties to expand; clients generated from Graph's OpenAPI may
    /// still send `$expand=*`.
    private static func checkExpand(_ value: String) throws(ODataQueryError) {
        let text = value.trimmingWhitespace()
        guard text.isEmpty || text == "*" else {
            throw ODataQueryError(
                parameter: "$expand",
                message: "$expand is not supported: this resource has no navigation properties, got '\(value)'"
            )
        }
    }

    private static func listItems(_ value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingWhitespace()
        }
    }

    /// `*` anywhere in the list selects every property.
    private static func parseSelect(
        _ value: String,
        schema: [String: ODataPropertyType]
    ) throws(ODataQueryError) -> [String]? {
        var names: [String] = []
        var selectsAll = false
        for item in listItems(value) {
            guard !item.isEmpty else {
                throw ODataQueryError(
                    parameter: "$select",
                    message: "$select must be a comma-separated list of property names, got '\(value)'"
                )
            }
            if item == "*" {
                selectsAll = true
                continue
            }
            guard let property = ODataPropertyType.resolve(item, in: schema) else {
                throw ODataQueryError(parameter: "$select", message: "$select: unknown property '\(item)'")
            }
            if !names.contains(property.name) {
                names.append(property.name)
            }
        }
        return selectsAll ? nil : names
    }

    private static func parseOrderBy(
        _ value: String,
        schema: [String: ODataPropertyType]
    ) throws(ODataQueryError) -> [ODataOrderItem] {
        var items: [ODataOrderItem] = []
        for item in listItems(value) {
            let words = item.split(whereSeparator: { $0.isWhitespace }).map { String($0) }
            guard !words.isEmpty, words.count <= 2 else {
                throw ODataQueryError(
                    parameter: "$orderby",
                    message: "$orderby: expected 'property', 'property asc' or 'property desc', got '\(item)'"
                )
            }
            var descending = false
            if words.count == 2 {
                switch words[1].lowercased() {
                case "asc": descending = false
                case "desc": descending = true
                default:
                    throw ODataQueryError(
                        parameter: "$orderby",
                        message: "$orderby: expected asc or desc after '\(words[0])', got '\(words[1])'"
                    )
                }
            }
            guard let property = ODataPropertyType.resolve(words[0], in: schema) else {
                throw ODataQueryError(parameter: "$orderby", message: "$orderby: unknown property '\(words[0])'")
            }
            guard property.type.isScalar else {
                throw ODataQueryError(
                    parameter: "$orderby",
                    message: "$orderby: \(property.name) is \(property.type.kindDescription) and cannot be sorted"
                )
            }
            guard !items.contains(where: { $0.property == property.name }) else {
                throw ODataQueryError(
                    parameter: "$orderby",
                    message: "$orderby: \(property.name) is listed more than once"
                )
            }
            items.append(
                ODataOrderItem(property: property.name, descending: descending, propertyType: property.type)
            )
        }
        return items
    }
}
