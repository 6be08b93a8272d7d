// What the CPU and the operating system let this process execute, for choosing a kernel set at start-up.
#ifndef SWEEP_CPU_FEATURES_H
#define SWEEP_CPU_FEATURES_H

#include <stdbool.h>

/// AVX2 and FMA in the CPU, and the OS saving ymm state across context switches (XCR0 bits 1–2).
bool sweep_cpu_has_avx2_fma(void);

/// AVX-512 F, BW, DQ, VL and CD (the x86-64-v4 set the AVX-512 kernels are compiled for), AVX2 and FMA,
/// and the OS saving opmask and zmm state (XCR0 bits 5–7) as well as ymm.
bool sweep_cpu_has_avx512(void);

#endif
