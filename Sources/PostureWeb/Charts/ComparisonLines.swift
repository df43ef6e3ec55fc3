import PostureCore
import PostureServices

/// The lines of a comparison chart (the organization, its seat band's average, its custom
/// comparison's average) and the notices that say which comparisons cannot be drawn, for the
/// overview and Metrics alike.
enum ComparisonLines {
    static func of(_ comparison: ComparisonTrend) -> (series: [LineChart.Series], notices: [String]) {
        var series: [LineChart.Series] = [
            .init(name: "Your score (%)", values: comparison.seatBandPoints.map(\.percentage), style: .primary),
            .init(
                name: "Organizations with \(comparison.seatBand.rawValue) seats (average %)",
                values: comparison.seatBandPoints.map(\.averagePercentage),
                style: .comparison
            ),
        ]
        var notices: [String] = []
        if !comparison.seatBandPoints.contains(where: \.enoughOrganizations) {
            notices.append(
                "Seat band \(comparison.seatBand.rawValue): \(Comparisons.notEnough) (fewer than \(Comparisons.minimumCohort))."
            )
        }
        if let custom = comparison.customPoints, let definition = comparison.custom {
            series.append(
                .init(
                    name: "Custom: \(definition.description) (average %)",
                    values: custom.map(\.averagePercentage),
                    style: .custom
                )
            )
            if !custom.contains(where: \.enoughOrganizations) {
                notices.append("Custom comparison: \(Comparisons.notEnough).")
            }
        }
        return (series, notices)
    }
}
