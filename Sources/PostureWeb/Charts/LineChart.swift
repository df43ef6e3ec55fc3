import Foundation
import PostureCore

/// A line chart drawn on the server as SVG, with a title and description for screen readers and
/// the numbers behind it in a table. Lines differ by dash pattern and marker as well as colour,
/// so the chart reads without colour. The x axis is time: each point sits at its day, so gaps and
/// projections keep their true length.
public struct LineChart: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        public var name: String
        /// One value per day; nil leaves a gap.
        public var values: [Double?]
        public var style: Style

        public init(name: String, values: [Double?], style: Style) {
            self.name = name
            self.values = values
            self.style = style
        }
    }

    public enum Style: String, Sendable, Equatable, CaseIterable {
        case primary, comparison, custom, projection

        /// The `stroke-dasharray` attribute, or nothing for a solid line.
        var dashAttribute: SafeHTML { dash.isEmpty ? "" : #" stroke-dasharray="\#(dash)""# }

        var dash: String {
            switch self {
            case .primary: ""
            case .comparison: "6 4"
            case .custom: "2 3"
            case .projection: "10 4 2 4"
            }
        }
    }

    public var id: String
    public var title: String
    /// The days of the points, ascending.
    public var days: [CivilDay]
    public var series: [Series]
    /// The top of the y axis (e.g. 100 for percentages).
    public var maxY: Double
    public var unit: String

    public init(id: String, title: String, days: [CivilDay], series: [Series], maxY: Double, unit: String) {
        self.id = id
        self.title = title
        self.days = days
        self.series = series
        self.maxY = maxY
        self.unit = unit
    }

    static let width = 720.0
    static let height = 240.0
    static let left = 44.0
    static let bottom = 28.0
    static let top = 10.0

    public func render() -> SafeHTML {
        let plotWidth = Self.width - Self.left - 10
        let plotHeight = Self.height - Self.bottom - Self.top
        let first = days.first?.daysSinceEpoch ?? 0
        let span = Double(max((days.last?.daysSinceEpoch ?? 0) - first, 1))
        let top = maxY > 0 ? maxY : 1
        func x(_ day: CivilDay) -> Double { Self.left + plotWidth * Double(day.daysSinceEpoch - first) / span }
        func x(_ index: Int) -> Double { x(days[index]) }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - min(max(value / top, 0), 1)) }
        let f = Self.coordinate
        var svg: SafeHTML = """
            <svg class="chart" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-labelledby="\(id)-title \(id)-desc" preserveAspectRatio="xMidYMid meet">
            <title id="\(id)-title">\(title)</title>
            <desc id="\(id)-desc">\(description)</desc>
            """
        for step in 0...4 {
            let value = top * Double(step) / 4
            svg += Self.gridLine(y: y(value), label: Self.axisText(value), right: Self.width - 10)
        }
        for day in Self.ticks(days) {
            svg +=
                #"<text class="axis" x="\#(f(x(day)))" y="\#(f(Self.height - 8))" text-anchor="middle">\#(day.description)</text>"#
        }
        for (number, line) in series.enumerated() {
            var segments: [[(Double, Double)]] = [[]]
            for (index, value) in line.values.enumerated() {
                if let value {
                    segments[segments.count - 1].append((x(index), y(value)))
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            for segment in segments where !segment.isEmpty {
                let points = segment.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
                svg +=
                    #"<polyline class="line s\#(number) \#(line.style.rawValue)" points="\#(points)"\#(line.style.dashAttribute)/>"#
                if segment.count == 1 {
                    svg += #"<circle class="dot s\#(number)" cx="\#(f(segment[0].0))" cy="\#(f(segment[0].1))" r="3"/>"#
                }
            }
            if let last = segment(lastOf: line.values).map({ (x($0.0), y($0.1)) }) {
                svg += #"<circle class="dot s\#(number)" cx="\#(f(last.0))" cy="\#(f(last.1))" r="3.5"/>"#
            }
        }
        svg += "</svg>"
        let legend = series.enumerated().map { number, line -> SafeHTML in
            #"<li><svg width="28" height="10" aria-hidden="true"><line class="line s\#(number) \#(line.style.rawValue)" x1="0" x2="28" y1="5" y2="5"\#(line.style.dashAttribute)/></svg> \#(line.name)</li>"#
        }
        return """
            <figure class="chart-figure">
            <figcaption>\(title)</figcaption>
            \(svg)
            <ul class="legend">\(legend)</ul>
            \(dataTable())
            </figure>
            """
    }

    /// SVG coordinates to one decimal. Charts print hundreds of numbers, so not `String(format:)`,
    /// which goes through Foundation's formatter and cost a third of the overview.
    static func coordinate(_ value: Double) -> String { ScoreFormat.tenths(value) }

    /// A horizontal grid line with its axis label at `y`.
    static func gridLine(y: Double, label: String, right: Double) -> SafeHTML {
        let f = coordinate
        return
            #"<line class="grid" x1="\#(f(left))" x2="\#(f(right))" y1="\#(f(y))" y2="\#(f(y))"/><text class="axis" x="\#(f(left - 6))" y="\#(f(y + 4))" text-anchor="end">\#(label)</text>"#
    }

    func segment(lastOf values: [Double?]) -> (Int, Double)? {
        guard let index = values.lastIndex(where: { $0 != nil }) else { return nil }
        return (index, values[index]!)
    }

    /// What a screen reader hears instead of the drawing.
    public var description: String {
        series.compactMap { line -> String? in
            let present = line.values.compactMap { $0 }
            guard let first = present.first, let last = present.last else { return "\(line.name): no data" }
            return "\(line.name) from \(Self.valueText(first))\(unit) to \(Self.valueText(last))\(unit)"
        }.joined(separator: "; ")
    }

    /// The numbers, in a collapsed table under the chart.
    func dataTable() -> SafeHTML {
        let columns = series.map { line -> SafeHTML in "<th scope=\"col\" class=\"number\">\(line.name)</th>" }
        let head: SafeHTML = "<tr><th scope=\"col\">Day</th>\(columns)</tr>"
        // A year is hundreds of rows: one buffer, not an array of rows joined.
        var rows = SafeHTML.empty
        for (index, label) in days.enumerated() {
            if index > 0 { rows += "\n" }
            rows += "<tr><th scope=\"row\">\(label.description)</th>"
            for line in series {
                let value = index < line.values.count ? line.values[index] : nil
                rows += "<td class=\"number\">\(value.map { Self.valueText($0) } ?? "–")</td>"
            }
            rows += "</tr>"
        }
        return """
            <details class="data"><summary>Data behind “\(title)”</summary>
            <table><thead>\(head)</thead><tbody>
            \(rows)
            </tbody></table></details>
            """
    }

    static func valueText(_ value: Double) -> String { ScoreFormat.points(value) }

    static func axisText(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : ScoreFormat.tenths(value)
    }

    /// At most six x labels, evenly spread in time from the first day to the last.
    static func ticks(_ days: [CivilDay]) -> [CivilDay] {
        guard let first = days.first, let last = days.last else { return [] }
        let span = last.daysSinceEpoch - first.daysSinceEpoch
        if span < 6 { return (0...span).map { first.adding(days: $0) } }
        return (0..<6).map { first.adding(days: Int((Double($0) * Double(span) / 5).rounded())) }
    }

    /// At most six evenly spread x labels.
    static func tickIndexes(_ count: Int) -> [Int] {
        guard count > 0 else { return [] }
        if count <= 6 { return Array(0..<count) }
        return (0..<6).map { Int((Double($0) * Double(count - 1) / 5).rounded()) }
    }
}

/// A bar chart (one bar per label), e.g. points lost per day.
public struct BarChart: Sendable, Equatable {
    public var id: String
    public var title: String
    public var labels: [String]
    public var values: [Double]
    public var valueName: String

    public init(id: String, title: String, labels: [String], values: [Double], valueName: String) {
        self.id = id
        self.title = title
        self.labels = labels
        self.values = values
        self.valueName = valueName
    }

    public func render() -> SafeHTML {
        let width = LineChart.width
        let height = LineChart.height
        let plotWidth = width - LineChart.left - 10
        let plotHeight = height - LineChart.bottom - LineChart.top
        let top = max(values.max() ?? 0, 1)
        let slot = plotWidth / Double(max(values.count, 1))
        let f = LineChart.coordinate
        var svg: SafeHTML = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(title)</title>
            <desc id="\(id)-desc">\(valueName): total \(LineChart.valueText(values.reduce(0, +))), highest \(LineChart.valueText(values.max() ?? 0))</desc>
            """
        for step in 0...4 {
            let value = top * Double(step) / 4
            let y = LineChart.top + plotHeight * (1 - value / top)
            svg += LineChart.gridLine(y: y, label: LineChart.axisText(value), right: width - 10)
        }
        for (index, value) in values.enumerated() where value > 0 {
            let barHeight = plotHeight * value / top
            let x = LineChart.left + slot * Double(index) + slot * 0.1
            let y = LineChart.top + plotHeight - barHeight
            svg +=
                #"<rect class="bar" x="\#(f(x))" y="\#(f(y))" width="\#(f(max(slot * 0.8, 1)))" height="\#(f(barHeight))"><title>\#(labels[index]): \#(LineChart.valueText(value))</title></rect>"#
        }
        for index in LineChart.tickIndexes(labels.count) {
            let x = LineChart.left + slot * (Double(index) + 0.5)
            svg +=
                #"<text class="axis" x="\#(f(x))" y="\#(f(height - 8))" text-anchor="middle">\#(labels[index])</text>"#
        }
        svg += "</svg>"
        let rows = zip(labels, values).map { label, value -> SafeHTML in
            "<tr><th scope=\"row\">\(label)</th><td class=\"number\">\(LineChart.valueText(value))</td></tr>"
        }
        return """
            <figure class="chart-figure">
            <figcaption>\(title)</figcaption>
            \(svg)
            <details class="data"><summary>Data behind “\(title)”</summary>
            <table><thead><tr><th scope="col">Day</th><th scope="col" class="number">\(valueName)</th></tr></thead><tbody>
            \(SafeHTML.join(rows, separator: "\n"))
            </tbody></table></details>
            </figure>
            """
    }
}
