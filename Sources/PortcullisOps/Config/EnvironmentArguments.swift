import Foundation

/// Every `serve` flag also read from a `PORTCULLIS_*` environment variable.
///
/// `--max-bundle-age` ↔ `PORTCULLIS_MAX_BUNDLE_AGE`. Arguments derived from the environment are
/// put *before* the command-line ones, and an option given on the command line is not taken from
/// the environment at all, so the command line always wins.
///
/// ```swift
/// // in ServeCommand's entry point, before parsing:
/// let args = try EnvironmentArguments.merge(commandLine: Array(CommandLine.arguments.dropFirst(2)), options: ServeCommand.envOptions)
/// ```
public enum EnvironmentArguments {
    /// How an option takes its value.
    public enum Kind: Sendable, Equatable {
        /// `--name VALUE`.
        case value
        /// `--name` with no value: the variable is `true/false`, `1/0`, `yes/no` or `on/off`.
        case flag
        /// `--name V` repeated: the variable holds comma-separated values.
        case repeated
    }

    public struct Option: Sendable, Equatable {
        /// The long name without dashes, e.g. `max-bundle-age`.
        public var name: String
        public var kind: Kind

        public init(_ name: String, _ kind: Kind = .value) {
            self.name = name
            self.kind = kind
        }

        /// `PORTCULLIS_` + the name upper-cased with `-` as `_`.
        public var environmentName: String { EnvironmentArguments.environmentName(for: name) }
    }

    public static let prefix = "PORTCULLIS_"

    /// `max-bundle-age` (or `--max-bundle-age`) → `PORTCULLIS_MAX_BUNDLE_AGE`.
    public static func environmentName(for option: String) -> String {
        var n = Substring(option)
        while n.hasPrefix("-") { n = n.dropFirst() }
        return prefix + n.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The arguments the environment supplies for `options`, skipping options present in `commandLine`.
    /// Throws ``ConfigurationError`` for a flag variable that is not a boolean or an empty value.
    public static func arguments(
        options: [Option], environment: [String: String], commandLine: [String] = []
    ) throws(ConfigurationError) -> [String] {
        var out: [String] = []
        for option in options {
            let long = "--" + option.name
            if commandLine.contains(where: { $0 == long || $0.hasPrefix(long + "=") || $0 == "--no-" + option.name }) { continue }
            guard let raw = environment[option.environmentName] else { continue }
            let value = raw.trimmingCharacters(in: .whitespaces)
            switch option.kind {
            case .flag:
                switch value.lowercased() {
                case "1", "true", "yes", "on": out.append(long)
                case "0", "false", "no", "off", "": break
                default:
                    throw ConfigurationError("\(option.environmentName)=\(raw): expected true or false (for \(long))")
                }
            case .value:
                guard !value.isEmpty else { throw ConfigurationError("\(option.environmentName) is set but empty (for \(long))") }
                out.append(long + "=" + value)
            case .repeated:
                for item in value.split(separator: ",") {
                    let v = item.trimmingCharacters(in: .whitespaces)
                    if !v.isEmpty { out.append(long + "=" + v) }
                }
            }
        }
        return out
    }

    /// Environment-derived arguments followed by `commandLine`.
    public static func merge(
        commandLine: [String], options: [Option], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> [String] {
        try arguments(options: options, environment: environment, commandLine: commandLine) + commandLine
    }

    /// Variables with the `PORTCULLIS_` prefix that match no option (likely typos), sorted.
    public static func unknownVariables(options: [Option], environment: [String: String]) -> [String] {
        let known = Set(options.map(\.environmentName))
        return environment.keys.filter { $0.hasPrefix(prefix) && !known.contains($0) }.sorted()
    }
}

