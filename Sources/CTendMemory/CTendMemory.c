#define _GNU_SOURCE
#include <sys/mman.h>
#include "CTendMemory.h"

int tend_move_pages(void *source, size_t length, void *target) {
#ifdef __linux__
    return mremap(source, length, length, MREMAP_MAYMOVE | MREMAP_FIXED, target) == target;
#else
    (void)source; (void)length; (void)target;
    return 0;
#endif
}
