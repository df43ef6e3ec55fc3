import ArgumentParser
import PostureCore

/// Whose channels or alert rules a command addresses: one organization (`--org`), or the
/// instance-wide ones (`--instance`), which reach the instance's own channels for every
/// organization's alerts.
struct OwnerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String?
    @Flag(help: "The instance-wide channels or rules instead of an organization's.") var instance = false

    func validate() throws {
        guard (org == nil) != !instance else {
            throw ValidationError(instance ? "give --org or --instance, not both" : "--org or --instance is needed")
        }
    }

    var owner: OrganizationID { instance ? .instance : OrganizationID(org ?? "") }

    /// How messages name the owner.
    var name: String { instance ? "the instance" : org ?? "" }
}
