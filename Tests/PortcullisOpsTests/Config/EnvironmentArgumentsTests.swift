import Testing
@testable import PortcullisOps

@Suite struct EnvironmentArgumentsTests {
    let options: [EnvironmentArguments.Option] = [
        .init("bundle"), .init("max-bundle-age"), .init("decision-log-include-input", .flag),
        .init("mask-header", .repeated), .init("admin"),
    ]

    @Test func namesMapToVariables() {
        #expect(EnvironmentArguments.environmentName(for: "max-bundle-age") == "PORTCULLIS_MAX_BUNDLE_AGE")
        #expect(EnvironmentArguments.environmentName(for: "--tls-client-ca") == "PORTCULLIS_TLS_CLIENT_CA")
    }

    @Test func environmentSuppliesAndCommandLineWins() throws {
        let env = [
            "PORTCULLIS_BUNDLE": "/srv/bundle", "PORTCULLIS_MAX_BUNDLE_AGE": "10m",
            "PORTCULLIS_DECISION_LOG_INCLUDE_INPUT": "true", "PORTCULLIS_MASK_HEADER": "x-a, x-b",
            "PORTCULLIS_ADMIN": "127.0.0.1:9192", "HOME": "/root",
        ]
        let cli = ["--bundle", "/cli/bundle", "--admin=0.0.0.0:1"]
        let merged = try EnvironmentArguments.merge(commandLine: cli, options: options, environment: env)
        #expect(merged == [
            "--max-bundle-age=10m", "--decision-log-include-input", "--mask-header=x-a", "--mask-header=x-b",
            "--bundle", "/cli/bundle", "--admin=0.0.0.0:1",
        ])
    }

    @Test func flagsAcceptBooleansOnly() throws {
        let off = try EnvironmentArguments.arguments(options: options, environment: ["PORTCULLIS_DECISION_LOG_INCLUDE_INPUT": "off"])
        #expect(off.isEmpty)
        #expect(throws: ConfigurationError("PORTCULLIS_DECISION_LOG_INCLUDE_INPUT=maybe: expected true or false (for --decision-log-include-input)")) {
            try EnvironmentArguments.arguments(options: options, environment: ["PORTCULLIS_DECISION_LOG_INCLUDE_INPUT": "maybe"])
        }
        #expect(throws: ConfigurationError.self) {
            try EnvironmentArguments.arguments(options: options, environment: ["PORTCULLIS_BUNDLE": " "])
        }
    }

    @Test func unknownVariablesAreReported() {
        let unknown = EnvironmentArguments.unknownVariables(
            options: options, environment: ["PORTCULLIS_BUNDEL": "x", "PORTCULLIS_BUNDLE": "y", "PATH": "/bin"])
        #expect(unknown == ["PORTCULLIS_BUNDEL"])
    }

    @Test func durations() throws {
        #expect(try DurationText.parse("250ms", option: "--x") == .milliseconds(250))
        #expect(try DurationText.parse("30s", option: "--x") == .seconds(30))
        #expect(try DurationText.parse("1h30m", option: "--x") == .seconds(5400))
        #expect(try DurationText.parse("2", option: "--x") == .seconds(2))
        #expect(try DurationText.parse("1.5s", option: "--x") == .milliseconds(1500))
        for bad in ["", "s", "5x", "-3s", "1h-2m", "abc", "5 m"] {
            #expect(throws: ConfigurationError.self) { try DurationText.parse(bad, option: "--max-bundle-age") }
        }
        #expect(throws: ConfigurationError("--max-bundle-age: 'soon' is not a duration (e.g. 500ms, 30s, 5m, 1h)")) {
            try DurationText.parse("soon", option: "--max-bundle-age")
        }
    }
}
