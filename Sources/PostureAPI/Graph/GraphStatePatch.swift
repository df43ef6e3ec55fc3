import Foundation
import PostureCore

/// Decodes a Graph PATCH of a control profile into a status. Keys and state names are matched
/// case-insensitively (clients send `State`, `state`, `thirdParty`, `ThirdParty`).
enum GraphStatePatch {
    /// Graph state (lower-cased) → Posture status. `Reviewed` keeps the action open and is stored
    /// under its own name so it reads back as written.
    static let states: [String: ActionStatus] = [
        "default": .toAddress, "reviewed": .toAddress, "ignored": .riskAccepted, "riskaccepted": .riskAccepted,
        "thirdparty": .resolvedThirdParty, "alternatemitigation": .resolvedAlternateMitigation, "planned": .planned,
    ]
    static let accepted = "Default, Ignored, ThirdParty, Reviewed, Planned, AlternateMitigation, RiskAccepted"

    static func decode(_ body: SourceNode, actionID: String, current: StatusRecord?) throws -> StatusRecord {
        guard case .object(let members) = body.value else {
            throw APIError.badRequest("the body must be a JSON object")
        }
        func member(_ name: String) -> SourceNode? {
            members.first { $0.key.lowercased() == name.lowercased() }?.node
        }
        func text(_ name: String) throws -> String? {
            guard let node = member(name) else { return nil }
            switch node.value {
            case .null: return nil
            case .string(let value): return value
            default: throw APIError.badRequest("\(name) must be text, found \(node.kindDescription)", target: name)
            }
        }

        guard let vendor = member("vendorInformation"), case .object(let vendorMembers) = vendor.value else {
            throw APIError.badRequest(
                "vendorInformation is required, with provider and vendor (e.g. SecureScore, Microsoft)",
                target: "vendorInformation"
            )
        }
        for required in ["provider", "vendor"] {
            let value = vendorMembers.first { $0.key.lowercased() == required }?.node.value
            guard case .string(let text)? = value, !text.isEmpty else {
                throw APIError.badRequest(
                    "vendorInformation.\(required) is required",
                    target: "vendorInformation.\(required)"
                )
            }
        }

        var status = current?.status == .completed ? .toAddress : (current?.status ?? .toAddress)
        var clientState: String?
        if let state = try text("state") {
            let key = state.lowercased()
            if key == "completed" {
                throw APIError.badRequest(
                    "Completed is set by the system when the data shows every point earned",
                    target: "state"
                )
            }
            guard let mapped = states[key] else {
                throw APIError.badRequest("unknown state \"\(state)\"; use one of \(accepted)", target: "state")
            }
            status = mapped
            clientState = key == "reviewed" ? "Reviewed" : nil
        }
        let note = try text("comment") ?? text("tenantNote")
        let owner = try text("assignedTo")
        var expiresAt: Date?
        if let expiry = try text("expiresAt") {
            guard let date = Date(iso8601: expiry) else {
                throw APIError.badRequest(
                    "expiresAt must be an ISO-8601 date, found \"\(expiry)\"",
                    target: "expiresAt"
                )
            }
            expiresAt = date
        }
        var targetDate: CivilDay?
        if let target = try text("targetDate") {
            guard let day = CivilDay(target) else {
                throw APIError.badRequest(
                    "targetDate must be a day like 2026-12-31, found \"\(target)\"",
                    target: "targetDate"
                )
            }
            targetDate = day
        }
        return StatusRecord(
            actionID: actionID,
            status: status,
            note: note,
            owner: owner.flatMap { $0.isEmpty ? nil : $0 },
            expiresAt: expiresAt,
            targetDate: targetDate,
            clientState: clientState
        )
    }
}
