/// A query option the server cannot honour. `message` always starts with the option's name
/// (`$top must be …`, `$filter: …`) so it can be shown to the client as it is.
public struct ODataQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The option in its canonical lower-case form with the dollar: `$top`, `$filter`, `$search`.
    public var parameter: String
    public var message: String

    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { message }
}
