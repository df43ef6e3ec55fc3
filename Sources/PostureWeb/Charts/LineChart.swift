import Foundation

/// A line chart drawn on the server as SVG, with a title and description for screen readers and
/// the numbers behind it in a table. Lines differ by dash pattern and marker as well as colour,
/// so the chart reads without colour.
public struct LineChart: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        public var name: String
        /// One value per label; nil leaves a gap.
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
    public var labels: [String]
    public var series: [Series]
    /// The top of the y axis (e.g. 100 for percentages).
    public var maxY: Double
    public var unit: String

    public init(id: String, title: String, labels: [String], series: [Series], maxY: Double, unit: String) {
        self.id = id
        self.title = title
        self.labels = labels
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
        let count = max(labels.count - 1, 1)
        let top = maxY > 0 ? maxY : 1
        func x(_ index: Int) -> Double { Self.left + plotWidth * Double(index) / Double(count) }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - min(max(value / top, 0), 1)) }
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-labelledby="\(id)-title \(id)-desc" preserveAspectRatio="xMidYMid meet">
            <title id="\(id)-title">\(title.html)</title>
            <desc id="\(id)-desc">\(description.html)</desc>
            """
        for step in 0...4 {
            let value = top * Double(step) / 4
            svg += String(
                format:
                    #"<line class="grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><text class="axis" x="%.1f" y="%.1f" text-anchor="end">%@</text>"#,
                Self.left,
                Self.width - 10,
                y(value),
                y(value),
                Self.left - 6,
                y(value) + 4,
                Self.axisText(value)
            )
        }
        for index in Self.tickIndexes(labels.count) {
            svg += String(
                format: #"<text class="axis" x="%.1f" y="%.1f" text-anchor="middle">%@</text>"#,
                x(index),
                Self.height - 8,
                labels[index].html
            )
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
                let points = segment.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
                let dash = line.style.dash.isEmpty ? "" : #" stroke-dasharray="\#(line.style.dash)""#
                svg += #"<polyline class="line s\#(number) \#(line.style.rawValue)" points="\#(points)"\#(dash)/>"#
                if segment.count == 1 {
                    svg += String(
                        format: #"<circle class="dot s%d" cx="%.1f" cy="%.1f" r="3"/>"#,
                        number,
                        segment[0].0,
                        segment[0].1
                    )
                }
            }
            if let last = segment(lastOf: line.values).map({ (x($0.0), y($0.1)) }) {
                svg += String(format: #"<circle class="dot s%d" cx="%.1f" cy="%.1f" r="3.5"/>"#, number, last.0, last.1)
            }
        }
        svg += "</svg>"
        let legend = series.enumerated().map { number, line in
            #"<li><svg width="28" height="10" aria-hidden="true"><line class="line s\#(number) \#(line.style.rawValue)" x1="0" x2="28" y1="5" y2="5"\#(line.style.dash.isEmpty ? "" : #" stroke-dasharray="\#(line.style.dash)""#)/></svg> \#(line.name.html)</li>"#
        }.joined()
        return SafeHTML(
            trusted: """
                <figure class="chart-figure">
                <figcaption>\(title.html)</figcaption>
                \(svg)
                <ul class="legend">\(legend)</ul>
                \(dataTable().markup)
                </figure>
                """
        )
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
        let head =
            "<tr><th scope=\"col\">Day</th>"
            + series.map { "<th scope=\"col\" class=\"number\">\($0.name.html)</th>" }.joined() + "</tr>"
        let rows = labels.enumerated().map { index, label in
            "<tr><th scope=\"row\">\(label.html)</th>"
                + series.map { line in
                    let value = index < line.values.count ? line.values[index] : nil
                    return "<td class=\"number\">\(value.map { Self.valueText($0) } ?? "–")</td>"
                }.joined() + "</tr>"
        }.joined(separator: "\n")
        return SafeHTML(
            trusted: """
                <details class="data"><summary>Data behind “\(title.html)”</summary>
                <table><thead>\(head)</thead><tbody>
                \(rows)
                </tbody></table></details>
                """
        )
    }

    static func valueText(_ value: Double) -> String { String(format: "%.2f", value) }

    static func axisText(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
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
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(title.html)</title>
            <desc id="\(id)-desc">\(valueName.html): total \(LineChart.valueText(values.reduce(0, +))), highest \(LineChart.valueText(values.max() ?? 0))</desc>
            """
        for step in 0...4 {
            let value = top * Double(step) / 4
            let y = LineChart.top + plotHeight * (1 - value / top)
            svg += String(
                format:
                    #"<line class="grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><text class="axis" x="%.1f" y="%.1f" text-anchor="end">%@</text>"#,
                LineChart.left,
                width - 10,
                y,
                y,
                LineChart.left - 6,
                y + 4,
                LineChart.axisText(value)
            )
        }
        for (index, value) in values.enumerated() where value > 0 {
            let barHeight = plotHeight * value / top
            svg += String(
                format: #"<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%@: %@</title></rect>"#,
                LineChart.left + slot * Double(index) + slot * 0.1,
                LineChart.top + plotHeight - barHeight,
                max(slot * 0.8, 1),
                barHeight,
                labels[index].html,
                LineChart.valueText(value)
            )
        }
        for index in LineChart.tickIndexes(labels.count) {
            svg += String(
                format: #"<text class="axis" x="%.1f" y="%.1f" text-anchor="middle">%@</text>"#,
                LineChart.left + slot * (Double(index) + 0.5),
                height - 8,
                labels[index].html
            )
        }
        svg += "</svg>"
        let rows = zip(labels, values).map {
            "<tr><th scope=\"row\">\($0.html)</th><td class=\"number\">\(LineChart.valueText($1))</td></tr>"
        }
        .joined(separator: "\n")
        return SafeHTML(
            trusted: """
                <figure class="chart-figure">
                <figcaption>\(title.html)</figcaption>
                \(svg)
                <details class="data"><summary>Data behind “\(title.html)”</summary>
                <table><thead><tr><th scope="col">Day</th><th scope="col" class="number">\(valueName.html)</th></tr></thead><tbody>
                \(rows)
                </tbody></table></details>
                </figure>
                """
        )
    }
}
