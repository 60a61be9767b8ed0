import CHeapStats

/// Start-up-only memory handed back after `serve` starts and after each bundle (re)load.
///
/// Argument parsing, YAML, policy compilation and Foundation's set-up run once, but their code pages
/// (and the kernel's fault-around neighbours) stay resident: about 14 MB of the binary's text, of which
/// serving touches under 2 MB. Releasing drops the resident pages of the executable's and shared
/// libraries' file mappings (they are read back from the page cache or the file when next used) and
/// trims the heap. On by default; `--keep-startup-pages` turns it off (to compare, or where the page-ins
/// after a reload matter more than RSS). See docs/operations.md, "Memory".
enum StartupPages {
    /// Releases them; returns by how many bytes VmRSS went down (0 if it could not tell).
    @discardableResult
    static func release() -> Int {
        max(0, pc_release_file_pages())
    }
}
