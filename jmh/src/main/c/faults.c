/*
 * First-touch page faults. An anonymous private mapping starts with no pages: the first write to
 * each 4 KiB page traps into the kernel (a minor fault), which zeroes a page and maps it. These
 * functions map a region three ways and touch it, so the fault is measured beside the same
 * stores on pages that are already there:
 *   CL_MAP_FRESH     nothing mapped; MADV_NOHUGEPAGE so a THP=always kernel also faults 4 KiB
 *   CL_MAP_POPULATE  MAP_POPULATE: the kernel faults every page in at mmap, in one batch
 *   CL_MAP_HUGEPAGE  2 MiB-aligned and MADV_HUGEPAGE: one fault maps 2 MiB where THP is allowed
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define CL_MAP_FRESH 0
#define CL_MAP_POPULATE 1
#define CL_MAP_HUGEPAGE 2

#define HUGE_2M (2L << 20)

/* Returns the start of a region of `bytes` mapped as `how`, or NULL. For CL_MAP_HUGEPAGE the
 * mapping is over-allocated by 2 MiB and trimmed so the region starts on a 2 MiB boundary (a
 * huge page can only back an aligned 2 MiB range); cl_unmap takes the same `bytes` back. */
void *cl_map(int64_t bytes, int how) {
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | (how == CL_MAP_POPULATE ? MAP_POPULATE : 0);
    if (how != CL_MAP_HUGEPAGE) {
        void *p = mmap(NULL, (size_t) bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
        if (p == MAP_FAILED) return NULL;
        /* Set after MAP_POPULATE has run: the populated pages are 4 KiB either way here (THP is
         * madvise on the reference machine); the advice keeps later faults 4 KiB. */
        madvise(p, (size_t) bytes, MADV_NOHUGEPAGE);
        return p;
    }
    char *raw = mmap(NULL, (size_t) (bytes + HUGE_2M), PROT_READ | PROT_WRITE, flags, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uintptr_t start = ((uintptr_t) raw + HUGE_2M - 1) & ~(uintptr_t) (HUGE_2M - 1);
    if (start > (uintptr_t) raw) munmap(raw, start - (uintptr_t) raw);
    uintptr_t end = start + (uintptr_t) bytes, raw_end = (uintptr_t) raw + (uintptr_t) (bytes + HUGE_2M);
    if (raw_end > end) munmap((void *) end, raw_end - end);
    madvise((void *) start, (size_t) bytes, MADV_HUGEPAGE);
    return (void *) start;
}

int cl_unmap(void *region, int64_t bytes) {
    return munmap(region, (size_t) bytes);
}

/* One store per 4 KiB page, in address order. Returns the pages written. */
int64_t cl_touch_pages(void *region, int64_t bytes) {
    volatile char *p = region;
    int64_t pages = 0;
    for (int64_t off = 0; off < bytes; off += 4096) {
        p[off] = (char) pages;
        pages++;
    }
    return pages;
}

/* mmap(MAP_POPULATE) then munmap, `rounds` times: the kernel's batched fault-in (and the unmap
 * that gives the pages back) with no user-space store at all. Returns rounds that succeeded. */
int64_t cl_map_populate_unmap(int64_t bytes, int64_t rounds, int populate) {
    int64_t ok = 0;
    for (int64_t i = 0; i < rounds; i++) {
        void *p = mmap(NULL, (size_t) bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
        if (p == MAP_FAILED) return ok;
        if (munmap(p, (size_t) bytes) == 0) ok++;
    }
    return ok;
}
