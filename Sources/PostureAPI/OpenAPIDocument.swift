/// The OpenAPI 3 description of every route, served at `/api/v1/openapi.json`. The JSON lives in
/// `Resources/openapi.json`; `OpenAPIDocumentTests` fails when a registered route is missing from it.
enum OpenAPIDocument {
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}
