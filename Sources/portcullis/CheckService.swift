/// The ext_authz service as the transport sees it.
enum CheckService {
    static let method = "/envoy.service.auth.v3.Authorization/Check"
    /// Health reports on the server as a whole ("") and on the Authorization service.
    static let healthServices = ["", "envoy.service.auth.v3.Authorization"]
}
