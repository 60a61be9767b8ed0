import JSONSchema

/// A JSON Schema from the bundle (`body_schema: schemas/order.json`), compiled once when the bundle loads and
/// shared by every rule that names it.
final class BodySchema: Sendable {
    /// The schema's path inside the bundle, as the deny body and `request.body_error` name it.
    let path: String
    let schema: JSONSchema

    init(path: String, schema: JSONSchema) {
        self.path = path
        self.schema = schema
    }
}
