import PostureCore

/// The instance's Alerts page, for instance administrators: the instance-wide rules and the
/// instance's channels, which hear every organization's alerts.
public struct InstanceAlertsView: Sendable, Equatable {
    public var signedIn: Layout.SignedIn
    public var alerts: AlertSection
    public var channels: ChannelSection
    public var message: String?
    public var errors: [String]

    public init(
        signedIn: Layout.SignedIn,
        alerts: AlertSection,
        channels: ChannelSection,
        message: String? = nil,
        errors: [String] = []
    ) {
        self.signedIn = signedIn
        self.alerts = alerts
        self.channels = channels
        self.message = message
        self.errors = errors
    }

    public static func == (lhs: InstanceAlertsView, rhs: InstanceAlertsView) -> Bool {
        lhs.alerts == rhs.alerts && lhs.channels == rhs.channels && lhs.message == rhs.message
            && lhs.errors == rhs.errors
    }

    public func render() -> String {
        let csrf = Notices.csrf(signedIn.csrfToken)
        return Layout(title: "Instance alerts", signedIn: signedIn).render(
            """
            <h1>Instance alerts</h1>
            \(Notices.render(message: message, errors: errors))
            <p class="hint">Rules and channels for the whole instance: every organization's alerts are looked at under these rules too, apart from the organization's own, and go to the channels below. An organization's own rules and channels are in its Settings.</p>
            \(alerts.render(base: "/instance", csrf: csrf))
            \(channels.render(base: "/instance", csrf: csrf))
            """
        )
    }
}
