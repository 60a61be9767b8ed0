// swift-tools-version:6.1
import PackageDescription

// Layering (after grpc-swift-2):
//   PortcullisTransport  bytes-only gRPC server over the C core (CGRPC)
//   PortcullisCodec      the only module that touches protobuf-c (CEnvoyProto)
//   CEL, PortcullisPolicy  pure-Swift engine; knows nothing of Envoy or gRPC
//   PortcullisModel      the neutral request/decision values between them
//   portcullis           the executable that wires them together
let package = Package(
    name: "portcullis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portcullis", targets: ["portcullis"]),
        .library(name: "CEL", targets: ["CEL"]),
        .library(name: "PortcullisPolicy", targets: ["PortcullisPolicy"]),
        .library(name: "LinearRegex", targets: ["LinearRegex"]),
        .library(name: "PortcullisModel", targets: ["PortcullisModel"]),
        .library(name: "PortcullisCodec", targets: ["PortcullisCodec"]),
        .library(name: "PortcullisIdentity", targets: ["PortcullisIdentity", "JSONSchema"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "PortcullisModel"),
        .target(name: "LinearRegex"),
        .target(name: "CELSupport"),
        .target(name: "CEL", dependencies: ["LinearRegex", "CELSupport"]),
        .target(
            name: "PortcullisPolicy",
            dependencies: ["CEL", "PortcullisModel", "LinearRegex", "CELSupport", "JSONSchema", "PortcullisIdentity", .product(name: "Yams", package: "Yams")]
        ),
        .systemLibrary(name: "CGRPC", path: "Sources/CGRPC"),
        .target(
            name: "CEnvoyProto",
            path: "Sources/CEnvoyProto",
            cSettings: [.unsafeFlags(["-Wno-everything"])],
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),
        .target(name: "PortcullisTransport", dependencies: ["CGRPC"]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .target(name: "PortcullisIdentity", dependencies: ["COpenSSL", "PortcullisModel", "JSONSchema", "PortcullisHTTP"]),
        // HTTP(S) GETs over libcurl, loaded with dlopen on first use (no link-time libcurl).
        .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "PortcullisHTTP", dependencies: ["CCurl"]),
        .target(name: "JSONSchema", dependencies: ["LinearRegex", "PortcullisModel"]),
        .target(
            name: "PortcullisOps",
            dependencies: [
                "PortcullisModel", "PortcullisIdentity", "COpenSSL", "PortcullisHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(name: "CHeapStats"),
        .target(name: "PortcullisCodec", dependencies: ["CEnvoyProto", "PortcullisModel"]),
        .executableTarget(
            name: "portcullis",
            dependencies: [
                "PortcullisModel", "CEL", "PortcullisPolicy", "PortcullisTransport", "PortcullisCodec", "PortcullisOps",
                "PortcullisIdentity", "CHeapStats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "LinearRegexTests", dependencies: ["LinearRegex"]),
        .testTarget(name: "CELSupportTests", dependencies: ["CELSupport"]),
        .testTarget(name: "CELTests", dependencies: ["CEL"]),
        .testTarget(name: "PortcullisPolicyTests", dependencies: ["PortcullisPolicy", "CEL", "PortcullisModel", "PortcullisIdentity"]),
        .testTarget(name: "PortcullisCodecTests", dependencies: ["PortcullisCodec", "PortcullisModel"]),
        .testTarget(name: "PortcullisTransportTests", dependencies: ["PortcullisTransport", "CGRPC"]),
        .testTarget(name: "PortcullisIdentityTests", dependencies: ["PortcullisIdentity", "PortcullisModel", "JSONSchema"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "PortcullisModel"]),
        .testTarget(name: "PortcullisHTTPTests", dependencies: ["PortcullisHTTP"]),
        .testTarget(name: "PortcullisOpsTests", dependencies: ["PortcullisOps", "PortcullisModel"]),
    ]
)
