// Cache hints the Swift kernels cannot spell: Swift has no prefetch. Header-only (static inline), so each
// kernel set compiles it into its own code for its own instruction set, and no symbol is shared.
#ifndef SWEEP_CACHE_HINTS_H
#define SWEEP_CACHE_HINTS_H

/// Asks for the cache line holding `p` in L1, to be written (prefetchw where the CPU has it, else prefetcht0).
static inline void sweep_prefetch_for_write(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
