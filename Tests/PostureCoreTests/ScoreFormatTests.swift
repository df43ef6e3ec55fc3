import PostureCore
import Testing

@Suite struct ScoreFormatTests {
    static let cases: [(Double, String)] = [
        (0, "0.00"), (0.5, "0.50"), (10, "10.00"), (1.005, "1.00"), (2.675, "2.68"), (2.6751, "2.68"),
        (383.39549038261003, "383.40"), (-1.5, "-1.50"), (-0.001, "0.00"), (0.045, "0.05"), (123_456.789, "123456.79"),
    ]

    /// Two decimals: the value times 100, rounded half away from zero (0.045 shows as 0.05, where
    /// `%.2f` would print 0.04 from the binary value just below it).
    @Test(arguments: cases)
    func pointsShowTwoDecimals(_ value: Double, _ expected: String) {
        #expect(ScoreFormat.points(value) == expected)
    }

    @Test func percentageAppendsTheSign() {
        #expect(ScoreFormat.percentage(14.6327) == "14.63%")
    }
}
