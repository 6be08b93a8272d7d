// swift-tools-version:6.0
// The sweep toolkit: grids → SLURM array tasks → training runs → JSONL results → reports.
// Dependencies point one way: sweep → Worker → (Optim, Models, SweepCore); the three libraries never
// import each other. No package dependencies: the toolchain, Foundation, Glibc and the system zlib only.
import PackageDescription
import Foundation

// MARK: - Instruction set

/// One binary for every x86-64 node: the matrix-multiply and convolution kernels are built once per
/// instruction set (the Kernels* targets below, each with its own `-target-cpu`) and Models picks one at
/// run time from cpuid. Everything else is built for `nehalem` (x86-64-v2: SSE4.2, every x86-64 server since
/// 2009). `SWEEP_CPU` names another LLVM CPU for everything but the kernel sets (`generic` for the
/// toolchain's default), e.g. `znver4` for a cluster of Zen 4 nodes only.
func targetCPU() -> String? {
    if let cpu = ProcessInfo.processInfo.environment["SWEEP_CPU"] { return cpu.isEmpty || cpu == "generic" ? nil : cpu }
    #if arch(x86_64)
    return "nehalem"  // x86-64-v2; the importer does not know the v2 name
    #else
    return nil
    #endif
}

let cpuFlags: [String] = targetCPU().map { ["-target-cpu", $0] } ?? []
/// Every target is built for the chosen CPU.
let common: [SwiftSetting] = [.unsafeFlags(cpuFlags)]
/// Numeric modules are optimised even in debug builds, so tests that train real models stay quick;
/// release builds drop overflow and bounds checks there. `-fno-math-errno` lets `squareRoot()` on SIMD
/// vectors become one `vsqrtps`: glibc's default errno semantics turn it into a scalar `sqrtf` call per
/// lane (Swift's square root goes through a C shim compiled with the importer's flags).
let optimised: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-fno-math-errno"]),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]
let numeric: [SwiftSetting] = common + optimised

/// A kernel set's target: optimised like `numeric`, for the LLVM CPU `cpu` on x86-64 (not affected by
/// `SWEEP_CPU`); elsewhere for the default target, where Models never selects it.
func kernelSettings(cpu: String?) -> [SwiftSetting] {
    #if arch(x86_64)
    return optimised + (cpu.map { [.unsafeFlags(["-target-cpu", $0])] } ?? [])
    #else
    return optimised
    #endif
}

let package = Package(
    name: "sweep",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sweep", targets: ["sweep"]),
        .executable(name: "sweep-bench", targets: ["SweepBench"]),
    ],
    targets: [
        // MARK: - Libraries
        // The configuration vocabulary (key kinds, typed defaults, owners, nearest names), shared by the three.
        .target(name: "Vocabulary", swiftSettings: common),
        .target(name: "SweepCore", dependencies: ["Vocabulary"], swiftSettings: common),
        .target(name: "Optim", dependencies: ["Vocabulary"], swiftSettings: numeric),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Models", dependencies: ["Vocabulary", "CZlib", "CPUFeatures", "KernelInterface", "KernelsAVX512",
                                              "KernelsAVX2", "KernelsPortable"], swiftSettings: numeric),
        .target(name: "Worker", dependencies: ["Vocabulary", "SweepCore", "Optim", "Models"], swiftSettings: common),

        // MARK: - Executables
        .executableTarget(name: "sweep", dependencies: ["Worker", "SweepCore", "Vocabulary"], swiftSettings: common),
        .executableTarget(name: "SweepBench", dependencies: ["Worker", "SweepCore", "Optim", "Models", "Vocabulary"],
                          swiftSettings: numeric),

        // MARK: - Tests
        .target(name: "TestSupport", path: "Sources/TestSupport", swiftSettings: common),
        .testTarget(name: "SweepCoreTests", dependencies: ["SweepCore", "Vocabulary", "TestSupport"], swiftSettings: common),
        .testTarget(name: "OptimTests", dependencies: ["Optim", "Vocabulary", "TestSupport"], swiftSettings: numeric),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Vocabulary", "TestSupport"], swiftSettings: numeric),
        .testTarget(name: "WorkerTests", dependencies: ["Worker", "Vocabulary", "SweepCore", "Optim", "Models", "TestSupport"],
                    swiftSettings: common),
        .testTarget(name: "CLITests", dependencies: ["sweep", "SweepCore", "Vocabulary", "TestSupport"], swiftSettings: common),

        // MARK: - Kernel sets (Models picks one at run time; each shares Sources/KernelSource by symbolic links)
        .target(name: "CPUFeatures"),
        // Header-only C (a prefetch hint): each kernel set inlines it for its own instruction set.
        .systemLibrary(name: "CacheHints", path: "Sources/CacheHints"),
        .target(name: "KernelInterface", swiftSettings: numeric),
        .target(name: "KernelsAVX512", dependencies: ["KernelInterface", "CacheHints"], swiftSettings: kernelSettings(cpu: "skylake-avx512")),
        .target(name: "KernelsAVX2", dependencies: ["KernelInterface", "CacheHints"], swiftSettings: kernelSettings(cpu: "haswell")),
        .target(name: "KernelsPortable", dependencies: ["KernelInterface", "CacheHints"], swiftSettings: kernelSettings(cpu: nil)),
    ],
    swiftLanguageModes: [.v5]
)
