extension JSONValue {
    /// The plain value of a parsed node, without line numbers. Whole numbers become `.int`.
    public init(_ node: SourceNode) {
        switch node.value {
        case .object(let members): self = .object(JSONObject(members.map { ($0.key, JSONValue($0.node)) }))
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .string(let text): self = .string(text)
        case .number(let number):
            self = number.rounded() == number && abs(number) < 9e15 ? .int(Int(number)) : .double(number)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        }
    }
}
