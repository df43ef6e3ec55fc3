/// The date-range form shared by the History and Metrics pages.
struct RangeForm: Sendable, Equatable {
    var action: String
    var from: String
    var to: String
    var category: String?
    var categories: [String]?
    var error: String?

    func render() -> String {
        var categorySelect = ""
        if let categories {
            let options =
                #"<option value="">All categories</option>"#
                + categories.map {
                    #"<option value="\#($0.html)"\#(category == $0 ? " selected" : "")>\#($0.html)</option>"#
                }
                .joined()
            categorySelect =
                #"<div><label for="r-category">Category</label><select id="r-category" name="category">\#(options)</select></div>"#
        }
        let error = error.map { #"<p class="error" role="alert">\#($0.html)</p>"# } ?? ""
        return """
            \(error)
            <form class="filters range" method="get" action="\(action.html)">
              <div><label for="r-from">From</label><input type="date" id="r-from" name="from" value="\(from.html)"></div>
              <div><label for="r-to">To</label><input type="date" id="r-to" name="to" value="\(to.html)"></div>
              \(categorySelect)
              <div><button type="submit">Show</button></div>
            </form>
            """
    }
}
