import PostureCore
import Testing

/// The Prometheus text format: families described once, samples with escaped labels, numbers
/// as Prometheus reads them.
@Suite struct PrometheusTextTests {
    @Test func familiesAndSamples() {
        var text = PrometheusText()
        text.add(
            "posture_collections_total",
            .counter,
            help: "Collections this node finished.",
            [.init([("organization", "contoso")], 3), .init([("organization", "fabrikam")], 0.25)]
        )
        text.add("posture_empty", .gauge, help: "No samples yet.", [])
        text.add("posture_up", .gauge, help: "One line\nand a \\ backslash.", [.init([], 1)])
        #expect(
            text.rendered == """
                # HELP posture_collections_total Collections this node finished.
                # TYPE posture_collections_total counter
                posture_collections_total{organization="contoso"} 3
                posture_collections_total{organization="fabrikam"} 0.25
                # HELP posture_empty No samples yet.
                # TYPE posture_empty gauge
                # HELP posture_up One line\\nand a \\\\ backslash.
                # TYPE posture_up gauge
                posture_up 1

                """
        )
    }

    @Test(arguments: [
        ("plain", "plain"), ("a\"quote", "a\\\"quote"), ("back\\slash", "back\\\\slash"), ("two\nlines", "two\\nlines"),
        ("é ünïcode", "é ünïcode"),
    ])
    func labelValuesAreEscaped(_ value: String, _ escaped: String) {
        var text = PrometheusText()
        text.add("m", .gauge, help: "h", [.init([("label", value)], 1)])
        #expect(text.rendered.hasSuffix("m{label=\"\(escaped)\"} 1\n"))
    }

    @Test(arguments: [
        (1.0, "1"), (0.0, "0"), (-2.0, "-2"), (1.5, "1.5"), (1_733_380_000.0, "1733380000"), (Double.infinity, "+Inf"),
        (-Double.infinity, "-Inf"), (Double.nan, "NaN"), (1e20, "1e+20"),
    ])
    func numbers(_ value: Double, _ text: String) {
        var rendered = PrometheusText()
        rendered.add("m", .gauge, help: "h", [.init([], value)])
        #expect(rendered.rendered.hasSuffix("m \(text)\n"))
    }
}
