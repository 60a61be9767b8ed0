#define _GNU_SOURCE
#include "heap_stats.h"
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/// One mapping from /proc/self/smaps: private, backed by a regular file.
struct pc_region {
    uintptr_t start, end;
    int writable;
    long anonymous_kb; // -1: not reported
};

struct pc_regions {
    struct pc_region *items;
    size_t count;
    uintptr_t page_size;
};

/// VmRSS in bytes, from /proc/self/statm; -1 if unreadable.
static long resident_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "re");
    if (!f) return -1;
    long size = 0, resident = -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

/// Private and backed by a regular file (not a device, memfd or SysV segment).
static int is_private_file_mapping(const char *perms, unsigned long inode, const char *path) {
    if (inode == 0 || path[0] != '/' || perms[3] != 'p') return 0;
    if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/memfd:", 7) == 0 || strncmp(path, "/SYSV", 5) == 0) return 0;
    return 1;
}

/// The private file mappings, with their count of private (anonymous) pages; 0 on failure.
static int read_regions(struct pc_regions *out) {
    FILE *f = fopen("/proc/self/smaps", "re");
    if (!f) return 0;
    size_t capacity = 0;
    int current = 0; // the last header line was a mapping we keep
    char *line = NULL;
    size_t line_capacity = 0;
    while (getline(&line, &line_capacity, f) > 0) {
        unsigned long start, end, offset, inode;
        unsigned int major, minor;
        char perms[5] = {0};
        int path_at = 0;
        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &start, &end, perms, &offset, &major, &minor, &inode, &path_at) >= 7) {
            char *path = line + path_at;
            path[strcspn(path, "\n")] = 0;
            current = is_private_file_mapping(perms, inode, path);
            if (!current) continue;
            if (out->count == capacity) {
                size_t grown = capacity ? capacity * 2 : 256;
                struct pc_region *more = realloc(out->items, grown * sizeof *more);
                if (!more) { current = 0; continue; }
                out->items = more;
                capacity = grown;
            }
            out->items[out->count++] = (struct pc_region){ start, end, perms[1] == 'w', -1 };
        } else if (current && strncmp(line, "Anonymous:", 10) == 0) {
            out->items[out->count - 1].anonymous_kb = strtol(line + 10, NULL, 10);
        }
    }
    free(line);
    fclose(f);
    return 1;
}

/// Whether the loader wrote into this object's read-only segments (text relocations).
static int has_text_relocations(const struct dl_phdr_info *info) {
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC) continue;
        const ElfW(Dyn) *dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        for (; dyn->d_tag != DT_NULL; dyn++) {
            if (dyn->d_tag == DT_TEXTREL) return 1;
            if (dyn->d_tag == DT_FLAGS && (dyn->d_un.d_val & DF_TEXTREL)) return 1;
        }
    }
    return 0;
}

/// For each loaded object (the loader's lock is held, so none is unloaded meanwhile): unmap the pages of its
/// read-only segments that lie in read-only private file mappings holding no private page.
static int drop_read_only_segments(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    const struct pc_regions *regions = data;
    if (has_text_relocations(info)) return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || ph->p_memsz == 0) continue;
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & ~(regions->page_size - 1);
        uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + regions->page_size - 1) & ~(regions->page_size - 1);
        for (size_t r = 0; r < regions->count; r++) {
            const struct pc_region *m = &regions->items[r];
            if (m->writable || m->anonymous_kb != 0) continue;
            uintptr_t from = m->start > start ? m->start : start;
            uintptr_t to = m->end < end ? m->end : end;
            if (from < to) (void)madvise((void *)from, to - from, MADV_DONTNEED);
        }
    }
    return 0;
}

long pc_release_file_pages(void) {
    long before = resident_bytes();
    struct pc_regions regions = { NULL, 0, (uintptr_t)sysconf(_SC_PAGESIZE) };
    if (!read_regions(&regions)) return -1;
    // Reclaim the clean file pages: harmless on any range (at worst a page is read back), so a mapping replaced
    // since is no risk. Mappings with private pages are skipped: with swap, those would be pushed out while in use.
    for (size_t i = 0; i < regions.count; i++) {
        if (regions.items[i].anonymous_kb != 0) continue; // private pages: not ours to push to swap
        (void)madvise((void *)regions.items[i].start, regions.items[i].end - regions.items[i].start, MADV_PAGEOUT);
    }
    // Unmap: only the loaded objects' own read-only segments, found under the loader's lock.
    dl_iterate_phdr(drop_read_only_segments, &regions);
    free(regions.items);
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
    long after = resident_bytes();
    return before < 0 || after < 0 || after > before ? 0 : before - after;
}
