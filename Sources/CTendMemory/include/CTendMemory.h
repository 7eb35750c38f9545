#ifndef C_TEND_MEMORY_H
#define C_TEND_MEMORY_H

#include <stddef.h>

/// Moves the pages [source, source + length) to target, replacing whatever was mapped there, without
/// copying them (Linux). Returns 1 when they moved; 0 when they did not (then target may be unmapped).
int tend_move_pages(void *source, size_t length, void *target);

#endif
