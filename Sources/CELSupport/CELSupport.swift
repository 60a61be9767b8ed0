// Timestamps, durations, time zones, IP/CIDR and base64 support for CEL.
public enum CELSupportPlaceholder {}
