import ArgumentParser
import PortcullisIdentity

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ApikeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "API key tools.", subcommands: [Hash.self]
    )

    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the stored form of an API key: sha256:<hex digest of its UTF-8 bytes>.",
            discussion: """
                The stored form is "sha256:" followed by the 64 lower-case hex digits of the SHA-256 digest \
                of the key exactly as clients present it. Put it in bundle data as an entry's "digest"; the \
                key itself is never stored. Without KEY the key is read from standard input (one trailing \
                newline is ignored), which keeps it out of the shell history.
                """
        )

        @Argument(help: "The key. Omit it to read the key from standard input.")
        var key: String?

        func run() throws {
            let secret: String
            if let key {
                secret = key
            } else {
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    bytes += buffer[0..<n]
                    if bytes.count > 1 << 16 { throw ValidationError("the key on standard input is longer than 64 KiB") }
                }
                if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw ValidationError("the key is not valid UTF-8")
                }
                secret = text
            }
            guard !secret.isEmpty else { throw ValidationError("the key is empty") }
            print(APIKeyStore.storedForm(of: secret))
        }
    }
}
