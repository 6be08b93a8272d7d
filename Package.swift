// swift-tools-version:6.0
// The sweep toolkit: grids → SLURM array tasks → training runs → JSONL results → reports.
// Dependencies point one way: sweep → Worker → (Optim, Models, SweepCore); the three libraries never
// import each other. No package dependencies: the toolchain, Foundation, Glibc and the system zlib only.
import PackageDescription
import Foundation

// MARK: - Instruction set

/// Kernels need AVX2+FMA at least (the default x86-64 target turns SIMD fused multiply-adds into libm
/// calls). `SWEEP_CPU` names the LLVM CPU to build for; without it the build host decides: AVX-512
/// hosts get `skylake-avx512` (x86-64-v4: also right for Zen 4 and later Intel), AVX2 hosts `haswell`.
/// A cluster with mixed nodes builds once per instruction set (see `scripts/array.sh`).
func targetCPU() -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let cpu = environment["SWEEP_CPU"] { return cpu.isEmpty || cpu == "generic" ? nil : cpu }
    #if arch(x86_64)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains) { return "skylake-avx512" }
    if ["avx2", "fma", "bmi2"].allSatisfy(flags.contains) { return "haswell" }
    #endif
    return nil
}

let cpuFlags: [String] = targetCPU().map { ["-target-cpu", $0] } ?? []
/// Every target is built for the chosen CPU.
let common: [SwiftSetting] = [.unsafeFlags(cpuFlags)]
/// Numeric modules are optimised even in debug builds, so tests that train real models stay quick;
/// release builds drop overflow and bounds checks there. `-fno-math-errno` lets `squareRoot()` on SIMD
/// vectors become one `vsqrtps`: glibc's default errno semantics turn it into a scalar `sqrtf` call per
/// lane (Swift's square root goes through a C shim compiled with the importer's flags).
let numeric: [SwiftSetting] = common + [
    .unsafeFlags(["-Xcc", "-fno-math-errno"]),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

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
        .target(name: "Models", dependencies: ["Vocabulary", "CZlib"], swiftSettings: numeric),
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
    ],
    swiftLanguageModes: [.v5]
)
