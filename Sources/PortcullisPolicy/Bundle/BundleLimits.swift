/// Size limits applied while reading a bundle, so that an archive bomb or a runaway directory is refused.
public struct BundleLimits: Sendable {
    /// Regular files in the bundle.
    public var maxFiles: Int = 2_000
    /// Bytes in any one file (32 MiB: room for an API-key file of about 250,000 keys).
    public var maxFileBytes: Int = 32 << 20
    /// Bytes of all files together (for an archive: after decompression).
    public var maxTotalBytes: Int = 64 << 20
    /// Bytes of a compressed archive file.
    public var maxArchiveBytes: Int = 16 << 20
    /// Directory depth below the bundle root.
    public var maxDepth: Int = 8
    /// YAML nodes read in the whole bundle (aliases count every time they are used).
    public var maxYAMLNodes: Int = 1_000_000
    /// Nesting depth of data values.
    public var maxDataDepth: Int = 64

    public init() {}
}
