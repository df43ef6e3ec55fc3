import PostureCore

/// The date-range form shared by the History and Metrics pages.
struct RangeForm: Sendable, Equatable {
    var action: String
    var from: String
    var to: String
    var category: String?
    var categories: [String]?
    var error: String?

    func render() -> SafeHTML {
        var categorySelect: SafeHTML = ""
        if let categories {
            let choices = categories.map { name -> SafeHTML in
                let selected: SafeHTML = category == name ? " selected" : ""
                return #"<option value="\#(name)"\#(selected)>\#(name)</option>"#
            }
            let options: SafeHTML = #"<option value="">All categories</option>\#(choices)"#
            categorySelect =
                #"<div><label for="r-category">Category</label><select id="r-category" name="category">\#(options)</select></div>"#
        }
        let error = error.map { message -> SafeHTML in #"<p class="error" role="alert">\#(message)</p>"# }
        return """
            \(error)
            <form class="filters range" method="get" action="\(action)">
              <div><label for="r-from">From</label><input type="date" id="r-from" name="from" value="\(from)"></div>
              <div><label for="r-to">To</label><input type="date" id="r-to" name="to" value="\(to)"></div>
              \(categorySelect)
              <div><button type="submit">Show</button></div>
            </form>
            """
    }
}
