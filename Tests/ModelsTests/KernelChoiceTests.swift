// The run-time choice of kernel set: what cpuid finds against the kernel's own report, that a forced
// set is the one the kernels then call, and the refusals.
import Foundation
import Testing
import Models

@Suite struct KernelChoiceTests {
    /// cpuid and xgetbv agree with the flags Linux lists (which it clears for state it does not save).
    @Test func runnableSetsFollowTheCPUFlags() throws {
        #expect(Kernels.runnable.last?.name == "portable")
        #expect(Kernels.selected.name == Kernels.runnable[0].name, "the default is the fastest runnable set")
        #if os(Linux) && arch(x86_64)
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try #require(info.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let names = Kernels.runnable.map(\.name)
        #expect(names.contains("avx2") == ["avx2", "fma"].allSatisfy(flags.contains))
        #expect(names.contains("avx512") == ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains))
        #endif
    }

    /// Every runnable set, forced, is the one gemm uses: its tile, and its own rounding. A product on the
    /// packed path with k = 765 sums in KC-deep blocks (512 for AVX-512, 256 for AVX2 and portable, which
    /// also multiplies and adds separately), so every pair of sets gives different bits.
    @Test func aForcedSetIsTheOneTheKernelsUse() {
        let m = 70, n = 300, k = 765, lda = 768  // lda a multiple of 256: the packed path
        let a = randomFloats(m * lda, seed: 21, "a"), b = randomFloats(k * n, seed: 21, "b")
        var results: [String: [UInt32]] = [:]
        for set in Kernels.runnable {
            Kernels.using(set) {
                #expect(Kernels.current.name == set.name)
                var c = [Float](repeating: .nan, count: m * n)
                gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: n,
                     beta: 0, c: &c, ldc: n, threads: 1)
                results[set.name] = c.map(\.bitPattern)
            }
        }
        #expect(Kernels.current.name == Kernels.selected.name, "the forced set ends with its scope")
        let names = Kernels.runnable.map(\.name)
        for (i, first) in names.enumerated() {
            for second in names[(i + 1)...] {
                #expect(results[first] != results[second], "\(first) and \(second) gave the same bits")
            }
        }
    }

    @Test func unknownNamesAreRefused() {
        #expect(throws: KernelChoiceError.unknown("avx3")) { try Kernels.select("avx3") }
        #expect(KernelChoiceError.unknown("avx3").description
            == "unknown kernel set \"avx3\" (valid: avx512, avx2, portable)")
        #expect(KernelChoiceError.notRunnable("avx512", runnable: ["avx2", "portable"]).description
            == "this CPU cannot run the avx512 kernels (it runs: avx2, portable)")
    }
}
