import Foundation
import PostureCore
import PostureMail
import PostureServices

/// Sends the delivery queue's e-mail through each channel's SMTP server, never to a private,
/// loopback or link-local address unless the operator allows private targets. The SMTP reply
/// code is the attempt's status: 250 delivered, 4xx and 5xx tried again on schedule.
public struct SMTPMailSender: MailSending {
    let policy: OutboundPolicy
    /// `POSTURE_OUTBOUND_CA_FILE`: certificates trusted besides the system's.
    let extraTrustRoots: String?
    let timeout: Double

    public init(policy: OutboundPolicy, extraTrustRoots: String? = nil, timeout: Double = 30) {
        self.policy = policy
        self.extraTrustRoots = extraTrustRoots
        self.timeout = timeout
    }

    public func send(_ message: MailMessage, via settings: MailSettings, password: String) async -> DeliveryAttempt {
        if !policy.allowPrivateTargets, let problem = await OutboundHTTPSender.privateAddressProblem(settings.host) {
            return DeliveryAttempt(status: nil, error: problem)
        }
        let server = SMTPServer(
            host: settings.host,
            port: settings.port,
            security: settings.security,
            username: settings.username,
            password: password,
            extraTrustRoots: extraTrustRoots,
            timeout: timeout
        )
        let boundary = RandomHex.make(bytes: 12)
        do {
            let reply = try await SMTPClient.send(
                message.rendered(boundary: boundary),
                from: settings.from,
                to: message.to,
                via: server
            )
            return DeliveryAttempt(status: reply.code)
        } catch {
            return DeliveryAttempt(status: error.code, error: error.description)
        }
    }
}

extension OutboundSenders {
    /// The senders that reach the network: HTTPS for webhooks, Teams and ServiceNow, SMTP for e-mail,
    /// Graph (as the organization's connection) for Planner.
    /// Scheduled reports' PDFs come from `reports`.
    public static func network(
        policy: OutboundPolicy,
        extraTrustRoots: String? = nil,
        reports: ReportPrinter? = nil
    ) -> OutboundSenders {
        OutboundSenders(
            http: OutboundHTTPSender(policy: policy),
            mail: SMTPMailSender(policy: policy, extraTrustRoots: extraTrustRoots),
            tickets: ServiceNowClient(policy: policy),
            tasks: PlannerTaskSender(),
            reports: reports
        )
    }
}
