import Foundation
import PostureCore
import Testing

@testable import PostureWeb

/// Charts place points by date: a gap or a projection keeps its true length on the x axis.
@Suite struct LineChartTests {
    /// The x coordinates of the first polyline's points.
    static func xs(_ chart: LineChart, line: Int = 0) throws -> [Double] {
        let svg = chart.render().markup
        let start = try #require(svg.range(of: #"class="line s\#(line) "#))
        let points = try #require(svg[start.upperBound...].range(of: #"points=""#))
        let end = try #require(svg[points.upperBound...].firstIndex(of: "\""))
        return svg[points.upperBound..<end].split(separator: " ").compactMap { Double($0.split(separator: ",")[0]) }
    }

    @Test(arguments: [[0, 1, 2, 3], [0, 1, 18, 78], [0, 30, 31, 365]])
    func pointsSitAtTheirDays(offsets: [Int]) throws {
        let first = CivilDay("2026-01-01")!
        let chart = LineChart(
            id: "c",
            title: "t",
            days: offsets.map { first.adding(days: $0) },
            series: [.init(name: "s", values: offsets.map { _ in 50 }, style: .primary)],
            maxY: 100,
            unit: "%"
        )
        let xs = try Self.xs(chart)
        #expect(xs.count == offsets.count)
        let span = Double(offsets.last!)
        let width = xs.last! - xs.first!
        for (x, offset) in zip(xs, offsets) {
            // To the rendering's precision of one decimal.
            #expect(abs((x - xs.first!) - width * Double(offset) / span) < 0.2, "\(offsets)")
        }
    }

    @Test func axisLabelsSpreadOverTimeNotOverPoints() {
        let first = CivilDay("2026-01-01")!
        let days = [first, first.adding(days: 1), first.adding(days: 100)]
        #expect(LineChart.ticks(days).map { $0.daysSinceEpoch - first.daysSinceEpoch } == [0, 20, 40, 60, 80, 100])
        #expect(LineChart.ticks([first, first.adding(days: 2)]).count == 3)
    }
}
