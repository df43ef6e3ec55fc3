import PostureCore

/// Settings → Alerts: which incidents go out to the organization's channels, with their
/// thresholds. Every role that reads the organization sees them; read-write roles change them.
public struct AlertSection: Sendable, Equatable {
    public var scoreDrop: Bool
    public var dropPercentagePoints: String
    public var dropPoints: String
    public var regressions: Bool
    public var exceptions: Bool
    public var exceptionDays: String
    public var floor: Bool
    public var floorPercent: String
    public var connections: Bool
    public var canWrite: Bool

    public init(
        scoreDrop: Bool,
        dropPercentagePoints: String,
        dropPoints: String,
        regressions: Bool,
        exceptions: Bool,
        exceptionDays: String,
        floor: Bool,
        floorPercent: String,
        connections: Bool,
        canWrite: Bool
    ) {
        self.scoreDrop = scoreDrop
        self.dropPercentagePoints = dropPercentagePoints
        self.dropPoints = dropPoints
        self.regressions = regressions
        self.exceptions = exceptions
        self.exceptionDays = exceptionDays
        self.floor = floor
        self.floorPercent = floorPercent
        self.connections = connections
        self.canWrite = canWrite
    }

    func render(base: String, csrf: SafeHTML) -> SafeHTML {
        let disabled: SafeHTML = canWrite ? "" : " disabled"
        func box(_ name: String, _ on: Bool, _ label: String) -> SafeHTML {
            let checked: SafeHTML = on ? " checked" : ""
            return
                #"<div class="check"><input type="checkbox" id="al-\#(name)" name="\#(name)" value="on"\#(checked)\#(disabled)><label for="al-\#(name)">\#(label)</label></div>"#
        }
        func number(_ name: String, _ value: String, _ label: String, _ range: String) -> SafeHTML {
            #"<label for="al-\#(name)">\#(label)</label><input type="text" inputmode="decimal" id="al-\#(name)" name="\#(name)" value="\#(value)" aria-describedby="al-\#(name)-hint"\#(disabled)><span class="hint" id="al-\#(name)-hint">\#(range)</span>"#
        }
        let save: SafeHTML = canWrite ? #"<button type="submit">Save alerts</button>"# : ""
        return """
            <section aria-labelledby="h-alerts" id="alerts"><h2 id="h-alerts">Alerts</h2>
            <p class="hint">Alerts go to the channels below that subscribe to their events. Each incident is announced once, and again when the score has recovered to within a point of where it fell from, or after 7 days. Actions that lost points are announced about 15 seconds after the change, several changes in one message.</p>
            <form method="post" action="\(base)/alerts" class="row" data-testid="alert-rules">\(csrf)
              <fieldset><legend>Score dropped (score.dropped)</legend>\(box("scoreDrop", scoreDrop, "Today against the previous day, over the actions both have"))
              \(number("dropPercentagePoints", dropPercentagePoints, "Percentage points", "1 to 50"))
              \(number("dropPoints", dropPoints, "or points", "above 0"))</fieldset>
              <fieldset><legend>Actions regressed (action.regressed)</legend>\(box("regressions", regressions, "Any action that lost points, with its cause"))</fieldset>
              <fieldset><legend>Exceptions (exception.expiring, exception.expired)</legend>\(box("exceptions", exceptions, "When an exception nears its expiry and when it expires"))
              \(number("exceptionDays", exceptionDays, "Days ahead", "1 to 90"))</fieldset>
              <fieldset><legend>Score below a floor (score.belowFloor)</legend>\(box("floor", floor, "When the score falls below"))
              \(number("floorPercent", floorPercent, "Percent", "above 0, below 100"))</fieldset>
              <fieldset><legend>Connection failing (connection.failing)</legend>\(box("connections", connections, "When collecting from Microsoft 365 fails or goes stale"))</fieldset>
              \(save)
            </form></section>
            """
    }
}
