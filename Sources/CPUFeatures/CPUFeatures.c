// cpuid for the instruction sets, xgetbv for the register state the OS saves: a CPU may report AVX-512
// while the kernel (or a hypervisor) has it switched off, and then its instructions fault.
#include "CPUFeatures.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdint.h>

/// XCR0, read with the raw instruction so this file needs no -mxsave; only valid when OSXSAVE is set.
static uint64_t xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

/// cpuid leaf 1 ECX: FMA, OSXSAVE and AVX; leaf 7 EBX: AVX2 and the AVX-512 subsets.
static bool features(unsigned *leaf1ecx, unsigned *leaf7ebx) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    *leaf1ecx = ecx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    *leaf7ebx = ebx;
    return true;
}

bool sweep_cpu_has_avx2_fma(void) {
    unsigned ecx, ebx;
    if (!features(&ecx, &ebx)) return false;
    const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28, avx2 = 1u << 5;
    if ((ecx & (fma | osxsave | avx)) != (fma | osxsave | avx) || !(ebx & avx2)) return false;
    return (xcr0() & 0x6) == 0x6;  // SSE and AVX state
}

bool sweep_cpu_has_avx512(void) {
    unsigned ecx, ebx;
    if (!sweep_cpu_has_avx2_fma() || !features(&ecx, &ebx)) return false;
    const unsigned f = 1u << 16, dq = 1u << 17, cd = 1u << 28, bw = 1u << 30, vl = 1u << 31;
    if ((ebx & (f | dq | cd | bw | vl)) != (f | dq | cd | bw | vl)) return false;
    return (xcr0() & 0xE6) == 0xE6;  // SSE, AVX, opmask, upper zmm halves, zmm16–31
}

#else
bool sweep_cpu_has_avx2_fma(void) { return false; }
bool sweep_cpu_has_avx512(void) { return false; }
#endif
