// The references pick their own instruction set at run time: numpy's OpenBLAS, and PyTorch's ATen,
// oneDNN (convolutions) and MKL. Forcing our AVX2 set on an AVX-512 host stands in for an AVX2 node, and
// the comparison only means that if the references run as they would there too; on such a host they
// are capped to AVX2. A variable the caller has set is left as it is.
import Foundation
import Models

/// The variables that cap each reference library to the selected kernel set's instruction set.
private let referenceCaps: [String: [String: String]] = [
    "avx2": ["OPENBLAS_CORETYPE": "Haswell", "ATEN_CPU_CAPABILITY": "avx2",
             "DNNL_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"],
]

/// The caps this run applies: none when the selected set is the fastest the CPU runs, or has no caps
/// (`portable` is a fallback, not a stand-in for a node), and none that the environment already sets.
func referenceCapsForSelectedKernels() -> [String: String] {
    let selected = Kernels.selected.name
    guard selected != Kernels.runnable[0].name, let caps = referenceCaps[selected] else { return [:] }
    let environment = ProcessInfo.processInfo.environment
    return caps.filter { environment[$0.key] == nil }
}

/// This process's environment with the reference caps added: what the reference's process gets.
func referenceEnvironment() -> [String: String] {
    ProcessInfo.processInfo.environment.merging(referenceCapsForSelectedKernels()) { current, _ in current }
}

/// The header line that says how the references run.
func referenceCapsLine() -> String {
    let caps = referenceCapsForSelectedKernels()
    guard !caps.isEmpty else { return "references: their own choice of instruction set" }
    return "references capped to \(Kernels.selected.name), as on a node without AVX-512: " +
        caps.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
}
