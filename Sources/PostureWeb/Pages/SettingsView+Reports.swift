import PostureCore

/// Settings → Scheduled reports: the organization's report by e-mail every week or month, with
/// its PDF. Every reader sees the schedules; read-write roles add, remove and send them.
public struct ReportScheduleSection: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var cadence: String
        public var recipients: String
        public var paper: String
        /// "2026-11-23 to 2026-11-29, from 2026-11-30 07:00 UTC".
        public var next: String
        public var lastSent: String
        public var createdBy: String
    }

    public var rows: [Row]
    public var canWrite: Bool
    public var hasEmailChannel: Bool

    func render(base: String, csrf: SafeHTML) -> SafeHTML {
        let rows = rows.map { row -> SafeHTML in
            let actions: SafeHTML =
                canWrite
                ? """
                <form method="post" action="\(base)/reports/\(WebPath.segment(row.id))/send" class="inline">\(csrf)<button type="submit" class="link">Send now</button></form>
                <form method="post" action="\(base)/reports/\(WebPath.segment(row.id))/remove" class="inline">\(csrf)<button type="submit" class="link">Remove</button></form>
                """ : ""
            return
                "<tr><td>\(row.cadence)</td><td class=\"wrap\">\(row.recipients)</td><td>\(row.paper)</td><td>\(row.next)</td><td>\(row.lastSent)</td><td>\(row.createdBy)</td><td>\(actions)</td></tr>"
        }
        let table: SafeHTML =
            rows.isEmpty
            ? #"<p class="hint" data-testid="report-schedules-empty">No scheduled report yet.</p>"#
            : """
            <table data-testid="report-schedules"><thead><tr><th scope="col">Every</th><th scope="col">To</th><th scope="col">Paper</th><th scope="col">Next report</th><th scope="col">Last sent</th><th scope="col">Set up by</th><th scope="col"></th></tr></thead><tbody>\(rows)</tbody></table>
            """
        let form: SafeHTML
        if !canWrite {
            form = ""
        } else if !hasEmailChannel {
            form =
                #"<p class="hint">Reports go through the organization's e-mail channel, and it has none yet: add one under Channels.</p>"#
        } else {
            form = """
                <form method="post" action="\(base)/reports" class="row" data-testid="report-schedule-form">\(csrf)
                  <label for="rs-cadence">Every</label><select id="rs-cadence" name="cadence"><option value="monthly">month (on the 1st, for the month before)</option><option value="weekly">week (on Monday, for the week before)</option></select>
                  <label for="rs-to">To</label><textarea id="rs-to" name="recipients" rows="2" required maxlength="5200" placeholder="ciso@contoso.com, board@contoso.com"></textarea>
                  <label for="rs-paper">Paper</label><select id="rs-paper" name="paper"><option value="a4">A4</option><option value="letter">US Letter</option></select>
                  <button type="submit">Schedule the report</button>
                </form>
                """
        }
        return """
            <section aria-labelledby="h-reports" id="reports"><h2 id="h-reports">Scheduled reports</h2>
            <p class="hint">The organization's report as PDF by e-mail, from 07:00 UTC: the score, verified and claimed, its change with regressions, the history, the actions worth most and the plan to the target. Up to 20 addresses a schedule, at the organization's mail domains (those its e-mail channels send from or to).</p>
            \(table)
            \(form)
            </section>
            """
    }
}
