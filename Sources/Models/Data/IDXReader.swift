// The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic number `00 00 TT NN` (TT the
// element type, 08 = unsigned byte; NN the number of dimensions), NN big-endian 32-bit sizes, then the
// elements in row-major order. Only unsigned bytes are read: every MNIST-format dataset stores those.

/// One IDX array of unsigned bytes, kept inside the file's bytes (no copy of the payload).
public struct IDXArray: Sendable {
    /// The sizes the header announces, e.g. `[60000, 28, 28]` for images, `[60000]` for labels.
    public var shape: [Int]
    /// The elements, row-major: `shape.reduce(1, *)` bytes.
    public var elements: ArraySlice<UInt8>

    /// Number of items (the first dimension).
    public var count: Int { shape.first ?? 0 }
    /// The shape of one item (`[28, 28]` for an image, `[]` for a label).
    public var itemShape: [Int] { Array(shape.dropFirst()) }
}

/// Reads IDX files, gzip-compressed or not.
public enum IDXReader {
    /// The element type code of unsigned bytes.
    static let unsignedByte: UInt8 = 0x08

    /// Reads `path` and checks that it holds unsigned bytes in `dimensions` dimensions.
    /// - Throws: `DataError` naming the file: `.badMagic` (another format, type or rank), `.wrongLength`
    ///   (a header or payload shorter or longer than announced), or a read or gzip error.
    public static func read(_ path: String, dimensions: Int) throws -> IDXArray {
        try parse(FileBytes.read(path), dimensions: dimensions, file: path)
    }

    /// Parses the bytes of an IDX file (already decompressed).
    public static func parse(_ bytes: [UInt8], dimensions: Int, file: String) throws -> IDXArray {
        let expectedMagic = UInt32(unsignedByte) << 8 | UInt32(dimensions)
        let meaning = "an IDX file of unsigned bytes with \(dimensions) dimension\(dimensions == 1 ? "" : "s")"
        guard bytes.count >= 4 else {
            throw DataError(.wrongLength(expected: 4, found: bytes.count, what: "the IDX magic number"), file: file)
        }
        let magic = bigEndianWord(bytes, at: 0)
        guard magic == expectedMagic else {
            throw DataError(.badMagic(found: magic, expected: expectedMagic, meaning: meaning), file: file)
        }
        let headerSize = 4 + 4 * dimensions
        guard bytes.count >= headerSize else {
            throw DataError(.wrongLength(expected: headerSize, found: bytes.count,
                                         what: "the header of \(meaning)"), file: file)
        }
        let shape = (0..<dimensions).map { Int(bigEndianWord(bytes, at: 4 + 4 * $0)) }
        // A damaged header can announce sizes whose product overflows; that is reported as a wrong length.
        let (elementCount, overflow) = shape.reduce((1, false)) { acc, size in
            let (product, o) = acc.0.multipliedReportingOverflow(by: size)
            return (product, acc.1 || o)
        }
        let expectedSize = overflow ? Int.max : headerSize + elementCount
        guard bytes.count == expectedSize else {
            let dims = shape.map(String.init).joined(separator: "×")
            throw DataError(.wrongLength(expected: expectedSize, found: bytes.count,
                                         what: "a \(headerSize)-byte header and \(dims) bytes of data"), file: file)
        }
        return IDXArray(shape: shape, elements: bytes[headerSize...])
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}

extension IDXReader {
    /// An MNIST-format pair: `[n, rows, cols]` images and `[n]` labels in `0..<classes`.
    /// - Throws: `DataError` naming the file: the errors of `read`, `.countMismatch` when the files
    ///   disagree on `n`, `.labelOutOfRange`.
    public static func labelledImages(images imagePath: String, labels labelPath: String, classes: Int) throws -> RawImages {
        let images = try read(imagePath, dimensions: 3)
        let labels = try read(labelPath, dimensions: 1)
        guard images.count == labels.count else {
            throw DataError(.countMismatch(images: images.count, labels: labels.count, labelFile: labelPath), file: imagePath)
        }
        var classIndices = [Int32](repeating: 0, count: labels.count)
        for (item, label) in labels.elements.enumerated() {
            guard Int(label) < classes else {
                throw DataError(.labelOutOfRange(label: Int(label), item: item, classes: classes), file: labelPath)
            }
            classIndices[item] = Int32(label)
        }
        let size = images.shape[1] * images.shape[2]
        return RawImages(pixels: images.elements, offset: 0, stride: size, count: images.count,
                         shape: [1, images.shape[1], images.shape[2]], labels: classIndices)
    }
}
