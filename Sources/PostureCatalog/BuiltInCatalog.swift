/// The catalog files compiled into the binary (`Catalog/` is embedded by SwiftPM). Keep this list
/// in step with the directory; `BuiltInCatalogTests` fails when a file is missing here.
enum BuiltInCatalog {
    static let files: [(name: String, bytes: [UInt8])] = [
        ("catalog.yaml", PackageResources.catalog_yaml),
    ]
}
