// Test helper: MNIST-format IDX files (unsigned bytes) and whole MNIST-like datasets whose pixels say
// which image they are, so a test can tell where every image of a split came from.

enum IDXTestWriter {
    /// An IDX file of unsigned bytes: magic `00 00 08 NN`, big-endian sizes, then `elements`.
    static func file(shape: [Int], elements: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for size in shape { bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] }
        return bytes + elements
    }

    /// Image `i` of a labelled set: its first two pixels spell `i` (big-endian), the rest are a pattern.
    static func image(_ i: Int, pixels: Int) -> [UInt8] {
        (0..<pixels).map { p in p == 0 ? UInt8(i >> 8) : p == 1 ? UInt8(i & 0xFF) : UInt8((i * 7 + p * 13) % 256) }
    }

    /// The index an image of `image(_:pixels:)` carries, read back from normalised values.
    static func index(of features: ArraySlice<Float>, mean: Float, std: Float) -> Int {
        func byte(_ x: Float) -> Int { Int(((x * std + mean) * 255).rounded()) }
        return byte(features[features.startIndex]) << 8 | byte(features[features.startIndex + 1])
    }

    /// Writes the four MNIST files into `folder/sub` (gzip-compressed when `gzip`): `perClass[c]` training
    /// images of class `c` (classes interleaved), and `testCount` test images with labels `i % classes`.
    static func writeDataset(_ folder: DatasetTestFolder, sub: String, perClass: [Int], testCount: Int,
                             rows: Int = 28, cols: Int = 28, gzip: Bool = false) throws {
        var trainLabels: [UInt8] = []
        var remaining = perClass
        while remaining.contains(where: { $0 > 0 }) {
            for c in 0..<remaining.count where remaining[c] > 0 {
                trainLabels.append(UInt8(c))
                remaining[c] -= 1
            }
        }
        let testLabels = (0..<testCount).map { UInt8($0 % perClass.count) }
        let pixels = rows * cols
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", file(shape: [trainLabels.count, rows, cols],
                                            elements: (0..<trainLabels.count).flatMap { image($0, pixels: pixels) })),
            ("train-labels-idx1-ubyte", file(shape: [trainLabels.count], elements: trainLabels)),
            ("t10k-images-idx3-ubyte", file(shape: [testCount, rows, cols],
                                           elements: (0..<testCount).flatMap { image(10_000 + $0, pixels: pixels) })),
            ("t10k-labels-idx1-ubyte", file(shape: [testCount], elements: testLabels)),
        ]
        for (name, bytes) in files {
            if gzip {
                try folder.write(sub + "/" + name + ".gz", GzipTestWriter.compress(bytes))
            } else {
                try folder.write(sub + "/" + name, bytes)
            }
        }
    }
}
