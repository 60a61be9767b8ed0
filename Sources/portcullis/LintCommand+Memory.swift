import CHeapStats
import PortcullisPolicy

extension LintCommand {
    /// The heap a compiled bundle keeps: bytes in use after loading it (the YAML, parse trees and
    /// diagnostics freed), minus bytes in use before; and the load time. nil when the bundle does
    /// not load or the allocator cannot say.
    static func measureCompiledBundle(path: String) -> (bytes: Int, seconds: Double, rules: Int)? {
        let before = pc_heap_bytes_in_use()
        let started = ContinuousClock.now
        guard let compiled = try? BundleLoader.load(path: path) else { return nil }
        let elapsed = ContinuousClock.now - started
        let after = withExtendedLifetime(compiled) { pc_heap_bytes_in_use() }
        guard before > 0 else { return nil }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Int(after) - Int(before), seconds, compiled.ruleCount)
    }
}
