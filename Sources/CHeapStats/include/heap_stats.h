#ifndef PC_HEAP_STATS_H
#define PC_HEAP_STATS_H
#include <stddef.h>

/// Bytes the allocator has handed out and not had back (glibc mallinfo2().uordblks), after
/// returning free memory to the system; 0 where the allocator cannot say.
size_t pc_heap_bytes_in_use(void);

#endif
