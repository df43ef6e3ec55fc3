import Vapor

/// A concrete path for a registered route, for tests that walk every route: each parameter is
/// filled from `values` (by name), else with `x`; catch-alls become `x` too.
public enum RoutePaths {
    public static func path(_ route: Route, _ values: [String: String]) -> String {
        "/"
            + route.path.map { component -> String in
                switch component {
                case .constant(let text): text
                case .parameter(let name): values[name] ?? "x"
                default: "x"
                }
            }.joined(separator: "/")
    }
}
