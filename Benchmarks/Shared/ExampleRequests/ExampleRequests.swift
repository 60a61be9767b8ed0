/// Requests to the example bundle (`policies/`) in the form `portcullis check --input` reads.
public enum ExampleRequests {
    /// The same request as scripts/bench_server.py's `bench_request()`.
    public static let storefrontRead = """
        {"method": "GET", "path": "/v1/orders/12345?expand=items", "host": "orders.orders.svc.cluster.local",
         "headers": {"user-agent": "bench/1.0", "accept": "application/json", "x-request-id": "4f1c2b7e-bench",
                     "x-forwarded-proto": "http", "x-tenant": "acme"},
         "source": {"principal": "spiffe://cluster.local/ns/shop/sa/storefront", "address": "10.1.0.5"},
         "destination": {"principal": "spiffe://cluster.local/ns/orders/sa/orders-api"}}
        """
}
