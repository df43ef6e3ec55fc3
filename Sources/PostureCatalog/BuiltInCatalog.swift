/// The catalog files compiled into the binary (`Catalog/` is embedded by SwiftPM). Keep this list
/// in step with the directory; `BuiltInCatalogTests` fails when a file is missing here.
enum BuiltInCatalog {
    static let files: [(name: String, bytes: [UInt8])] = [
        ("catalog.yaml", PackageResources.catalog_yaml),
        ("defender-for-cloud-apps.yaml", PackageResources.defender_for_cloud_apps_yaml),
        ("defender-for-endpoint.yaml", PackageResources.defender_for_endpoint_yaml),
        ("defender-for-identity.yaml", PackageResources.defender_for_identity_yaml),
        ("defender-for-office.yaml", PackageResources.defender_for_office_yaml),
        ("entra-id.yaml", PackageResources.entra_id_yaml),
        ("exchange-online.yaml", PackageResources.exchange_online_yaml),
        ("intune.yaml", PackageResources.intune_yaml),
        ("microsoft-365-apps.yaml", PackageResources.microsoft_365_apps_yaml),
        ("purview.yaml", PackageResources.purview_yaml),
        ("sharepoint-onedrive.yaml", PackageResources.sharepoint_onedrive_yaml),
        ("teams.yaml", PackageResources.teams_yaml),
    ]
}
