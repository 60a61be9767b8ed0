import Prometheus

/// TLS metrics: created on first use, so they appear only when the gRPC listener has TLS on.
///
/// | name | type | labels |
/// |---|---|---|
/// | `portcullis_tls_reloads_total` | counter | `result` (success/failure) |
/// | `portcullis_tls_certificate_expiry_timestamp_seconds` | gauge | |
extension OpsMetrics {
    /// Counts certificate files that changed and were (or could not be) taken into use.
    public func recordTLSReload(success: Bool) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "portcullis_tls_reloads_total", unitName: "",
                helpText: "Changed TLS certificate files taken into use (success) or refused (failure)."),
            labels: [("result", success ? "success" : "failure")]
        ).increment()
    }

    /// Sets the notAfter (Unix seconds) of the certificate the gRPC listener serves.
    public func setTLSCertificateExpiry(_ notAfter: Int64) {
        registry.makeGauge(descriptor: MetricNameDescriptor(
            metricName: "portcullis_tls_certificate_expiry_timestamp_seconds", unitName: "",
            helpText: "notAfter of the gRPC listener's TLS certificate, Unix seconds.")
        ).set(Double(notAfter))
    }
}
