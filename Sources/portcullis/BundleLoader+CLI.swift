import ArgumentParser
import Foundation
import PortcullisPolicy

extension BundleLoader {
    /// Loads a bundle for a one-shot command: every diagnostic goes to standard error and the command exits 2.
    static func loadForCommand(path: String) throws -> CompiledBundle {
        do {
            return try load(path: path)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
    }
}
