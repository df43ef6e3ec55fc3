/// A validated, versioned set of improvement actions.
public struct Catalog: Sendable, Equatable {
    public var version: String
    /// Actions in a stable order: by category, then id.
    public private(set) var actions: [ImprovementAction]
    private var indexByID: [String: Int]

    public init(version: String, actions: [ImprovementAction]) {
        self.version = version
        self.actions = actions.sorted { ($0.category, $0.id) < ($1.category, $1.id) }
        self.indexByID = Dictionary(
            self.actions.enumerated().map { ($1.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    public subscript(id: String) -> ImprovementAction? {
        indexByID[id].map { actions[$0] }
    }

    public subscript(id: ActionID) -> ImprovementAction? { self[id.rawValue] }

    public func contains(_ id: String) -> Bool { indexByID[id] != nil }
}
