// The binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky 2009): fixed-size records, each label bytes
// followed by a 32×32 colour image stored as 1024 red, 1024 green, then 1024 blue bytes (row-major planes,
// i.e. already channel-major). CIFAR-10 has 1 label byte; CIFAR-100 has 2 (coarse, then fine).

/// Reads CIFAR binary batch files.
public enum CIFARReader {
    /// Which of the two record layouts.
    public enum Layout: Sendable {
        /// `<1 × label><3072 × pixel>`, labels 0…9.
        case cifar10
        /// `<1 × coarse label><1 × fine label><3072 × pixel>`; the fine label (0…99) is the class.
        case cifar100

        var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        /// Which label byte is the class: CIFAR-100's fine label, the one its 100 classes refer to.
        var classByte: Int { self == .cifar10 ? 0 : 1 }
        var classes: Int { self == .cifar10 ? 10 : 100 }
        var recordSize: Int { labelBytes + CIFARReader.imageBytes }
        var description: String {
            self == .cifar10 ? "1 label byte + 3072 pixel bytes" : "1 coarse + 1 fine label byte + 3072 pixel bytes"
        }
    }

    /// 3 channels × 32 × 32.
    public static let imageBytes = 3072

    /// The images of `paths`, concatenated in order (e.g. `data_batch_1.bin` … `data_batch_5.bin`).
    /// - Throws: `DataError` naming the file: `.recordSize` when a file is not a whole number of records,
    ///   `.labelOutOfRange`, or a read error.
    public static func read(_ paths: [String], layout: Layout) throws -> RawImages {
        let (bytes, lengths) = try FileBytes.readConcatenated(paths)
        var labels: [Int32] = []
        var start = 0
        for (path, length) in zip(paths, lengths) {
            guard length > 0 && length % layout.recordSize == 0 else {
                throw DataError(.recordSize(size: length, recordSize: layout.recordSize, layout: layout.description), file: path)
            }
            let records = length / layout.recordSize
            labels.reserveCapacity(labels.count + records)
            for record in 0..<records {
                let label = Int(bytes[start + record * layout.recordSize + layout.classByte])
                guard label < layout.classes else {
                    throw DataError(.labelOutOfRange(label: label, item: record, classes: layout.classes), file: path)
                }
                labels.append(Int32(label))
            }
            start += length
        }
        return RawImages(pixels: bytes[...], offset: layout.labelBytes, stride: layout.recordSize, count: labels.count,
                         shape: [3, 32, 32], labels: labels)
    }
}
