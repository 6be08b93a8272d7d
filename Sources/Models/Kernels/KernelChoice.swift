// Which kernel set (KernelInterface's KernelSet) the gemm and convolution kernels call: one binary
// carries the AVX-512, AVX2 and portable sets and picks one at run time from the CPU's features.
// Models never reads the environment: the executables pass `SWEEP_KERNELS` to `Kernels.select`.
import CPUFeatures
import KernelInterface
import KernelsAVX2
import KernelsAVX512
import KernelsPortable

/// The kernel sets and the choice among them.
public enum Kernels {
    /// Every set's name, fastest first: `avx512`, `avx2`, `portable`.
    public static let names = ["avx512", "avx2", "portable"]

    /// The sets this CPU (and its OS) can execute, fastest first; `portable` always.
    public static let runnable: [KernelSet] = {
        var sets: [KernelSet] = []
        // Each set is built only after the check: building it already runs code compiled for it.
        if sweep_cpu_has_avx512() { sets.append(KernelsAVX512.makeKernelSet()) }
        if sweep_cpu_has_avx2_fma() { sets.append(KernelsAVX2.makeKernelSet()) }
        sets.append(KernelsPortable.makeKernelSet())
        return sets
    }()

    /// The process-wide set: the fastest runnable one unless `select` chose another. Results are
    /// deterministic for a given set; different sets round differently (tile depth, FMA or not).
    nonisolated(unsafe) public private(set) static var selected: KernelSet = runnable[0]

    /// Makes `name` the process-wide set; call it once at start-up, before kernels run. Throws when the
    /// name is unknown or this CPU cannot execute that set.
    public static func select(_ name: String) throws {
        selected = try runnableSet(named: name)
    }

    /// The runnable set called `name`, or the reason there is none.
    public static func runnableSet(named name: String) throws -> KernelSet {
        guard names.contains(name) else { throw KernelChoiceError.unknown(name) }
        guard let set = runnable.first(where: { $0.name == name }) else {
            throw KernelChoiceError.notRunnable(name, runnable: runnable.map(\.name))
        }
        return set
    }

    /// Runs `body` with kernels called from this task (not other tasks or threads) using `set`: tests
    /// run every set side by side while other tests run in parallel.
    public static func using<Result>(_ set: KernelSet, _ body: () throws -> Result) rethrows -> Result {
        try $scoped.withValue(set, operation: body)
    }

    @TaskLocal private static var scoped: KernelSet?

    /// The set a kernel call uses: read once per call, on the calling thread, and handed to its chunks.
    @inline(__always)
    public static var current: KernelSet { scoped ?? selected }
}

/// Why `Kernels.select` refused a name.
public enum KernelChoiceError: Error, CustomStringConvertible, Equatable {
    case unknown(String)
    case notRunnable(String, runnable: [String])

    public var description: String {
        switch self {
        case .unknown(let name):
            return "unknown kernel set \"\(name)\" (valid: \(Kernels.names.joined(separator: ", ")))"
        case .notRunnable(let name, let runnable):
            return "this CPU cannot run the \(name) kernels (it runs: \(runnable.joined(separator: ", ")))"
        }
    }
}
