import PostureCore

/// The status line and the error list that forms show above themselves.
enum Notices {
    static func render(message: String?, errors: [String]) -> SafeHTML {
        let ok = message.map { message -> SafeHTML in #"<p class="ok" role="status">\#(message)</p>"# }
        guard !errors.isEmpty else { return ok ?? "" }
        let items = errors.map { error -> SafeHTML in "<li>\(error)</li>" }
        return #"\#(ok)<div class="error" role="alert"><ul>\#(items)</ul></div>"#
    }

    /// The hidden CSRF field of every form.
    static func csrf(_ token: String) -> SafeHTML { #"<input type="hidden" name="csrf" value="\#(token)">"# }

    /// `<option>`s of a select list: (value, label).
    /// A message as a sentence on the page: its first letter a capital, a full stop at its end.
    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() + "." }

    static func options(_ items: [(value: String, label: String)]) -> SafeHTML {
        SafeHTML.join(items.map { item -> SafeHTML in #"<option value="\#(item.value)">\#(item.label)</option>"# })
    }
}
