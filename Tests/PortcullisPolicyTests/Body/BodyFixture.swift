import PortcullisModel
@testable import PortcullisPolicy

/// Requests with bodies and a small order schema, for the body tests.
enum BodyFixture {
    static let orderSchema = """
        {
          "type": "object",
          "required": ["customer", "items"],
          "additionalProperties": false,
          "properties": {
            "customer": {"type": "string", "format": "email"},
            "items": {
              "type": "array", "minItems": 1,
              "items": {
                "type": "object", "required": ["sku", "qty"],
                "properties": {"sku": {"type": "string", "pattern": "^SKU-[0-9]+$"}, "qty": {"type": "integer", "minimum": 1}}
              }
            }
          }
        }
        """

    static let validOrder = #"{"customer":"jane@shop.example","items":[{"sku":"SKU-1","qty":2}]}"#

    static func request(
        _ body: String, contentType: String? = "application/json", headers: [(String, String)] = [], method: String = "POST",
        path: String = "/orders", size: Int64? = nil
    ) -> AuthzRequest {
        var all = headers
        if let contentType { all.append(("content-type", contentType)) }
        var request = Fixture.request(method: method, path: path, headers: all, body: body)
        if let size { request.http?.size = size }
        return request
    }

    static func bundle(_ policies: String, schema: String = orderSchema) throws -> CompiledBundle {
        try Fixture.bundle(policies, files: ["schemas/order.json": schema])
    }
}
