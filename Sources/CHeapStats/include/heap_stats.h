#ifndef PC_HEAP_STATS_H
#define PC_HEAP_STATS_H
#include <stddef.h>

/// Bytes the allocator has handed out and not had back (glibc mallinfo2().uordblks), after
/// returning free memory to the system; 0 where the allocator cannot say.
size_t pc_heap_bytes_in_use(void);

/// Drops this process's resident pages of file-backed private mappings (the executable's code and
/// read-only data, the shared libraries') and returns free heap memory to the system (malloc_trim).
/// Meant for after start-up and after a bundle (re)load: code run only then (argument parsing, YAML,
/// policy compilation, Foundation set-up) stops counting in RSS, and pages still in use fault back
/// from the page cache (or the file) on their next use.
///
/// Private file mappings with no private (copy-on-write) page get MADV_PAGEOUT: the kernel reclaims
/// the clean pages only this process maps, where it allows it (the caller owns or may write the file;
/// a no-op elsewhere). The read-only segments of the loaded objects (found with dl_iterate_phdr, so none
/// is unloaded meanwhile; objects with text relocations skipped) that lie in such mappings also get
/// MADV_DONTNEED, which unmaps their pages whoever owns the file: their content is the file's, so nothing
/// is lost. Writable, shared and anonymous mappings, and mappings holding private pages (relocated data,
/// RELRO, a debugger's breakpoints), never get MADV_DONTNEED.
///
/// Returns how many bytes resident memory (VmRSS) went down by (0 if it did not), or -1 if
/// /proc/self/smaps could not be read (nothing was done).
long pc_release_file_pages(void);

#endif
