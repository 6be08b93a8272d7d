// `sweep-bench data`: how long loading Fashion-MNIST from its gzip files into normalised Float buffers
// takes (target: under 1 s), and where the time goes. Inflation should be nearly all of it.
import Foundation
import Models
import Vocabulary

/// `sweep-bench data [--folder DIR] [--repeat N] [--formats]`; the folder defaults to Debian's
/// `/usr/share/datasets/fashion-mnist` (package `dataset-fashion-mnist`); `--formats` adds the other
/// readers on generated full-size files.
func dataBenchmark(_ arguments: [String]) throws {
    var folder = "/usr/share/datasets/fashion-mnist"
    var repeats = 5
    var formats = false
    var rest = arguments[...]
    while let flag = rest.popFirst() {
        if flag == "--formats" { formats = true; continue }
        guard let value = rest.popFirst() else { throw DataBenchOptionError("\(flag) needs a value") }
        switch flag {
        case "--folder": folder = value
        case "--repeat":
            guard let n = Int(value), n >= 1 else { throw DataBenchOptionError("--repeat takes a positive integer, got \(value)") }
            repeats = n
        default: throw DataBenchOptionError("unknown option \(flag) (options: --folder DIR, --repeat N, --formats)")
        }
    }
    let names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    let paths = names.map { folder + "/" + $0 }

    var read: [Double] = [], inflate: [Double] = [], convert: [Double] = [], catalog: [Double] = []
    var compressedBytes = 0, inflatedBytes = 0, checksum = 0.0
    for _ in 0..<repeats {
        var start = DispatchTime.now()
        let compressed = try paths.map(FileBytes.readRaw)
        read.append(seconds(since: start))

        start = DispatchTime.now()
        let inflated = try zip(compressed, paths).map { try Gzip.inflate($0, file: $1) }
        inflate.append(seconds(since: start))
        compressedBytes = compressed.reduce(0) { $0 + $1.count }
        inflatedBytes = inflated.reduce(0) { $0 + $1.count }

        // Parsing the IDX headers and turning every byte of both image files into a normalised float.
        start = DispatchTime.now()
        for (images, file) in [(inflated[0], paths[0]), (inflated[2], paths[2])] {
            let array = try IDXReader.parse(images, dimensions: 3, file: file)
            let raw = RawImages(pixels: array.elements, offset: 0, stride: 784, count: array.count, shape: [1, 28, 28],
                                labels: [Int32](repeating: 0, count: array.count))
            checksum += Double(raw.allSamples(normalization: .fashionMNIST).features[12345])
        }
        convert.append(seconds(since: start))

        // What a training run calls: locate, read, inflate, parse, split per class, normalise.
        start = DispatchTime.now()
        let loaded = try DatasetCatalog.load(name: "fashion_mnist", settings: Settings(["data_path": .string(folder)]),
                                             seed: 100, searchPaths: [])
        catalog.append(seconds(since: start))
        if case let .samples(splits) = loaded { checksum += Double(splits.train.features[0]) }
    }

    func ms(_ xs: [Double]) -> String {
        let sorted = xs.sorted()
        return String(format: "%8.1f %8.1f", 1000 * sorted[sorted.count / 2], 1000 * sorted[0])
    }
    print("Fashion-MNIST from \(folder): 4 gzip files, \(String(format: "%.1f", Double(compressedBytes) / 1e6)) MB → "
          + "\(String(format: "%.1f", Double(inflatedBytes) / 1e6)) MB; \(repeats) runs (median, min in ms)")
    print("step                                                        median      min")
    print("read the compressed files                                 " + ms(read))
    print("inflate (zlib)                                            " + ms(inflate))
    print("parse IDX, 70,000 images → normalised floats              " + ms(convert))
    print("DatasetCatalog.load(fashion_mnist): all of it + the split " + ms(catalog))
    let inflateMedian = inflate.sorted()[inflate.count / 2]
    let loadMedian = catalog.sorted()[catalog.count / 2]
    print(String(format: "inflate throughput %.0f MB/s of output; checksum %.6f", Double(inflatedBytes) / 1e6 / inflateMedian, checksum))
    print(String(format: "load into normalised floats: %.0f ms median (target: under 1000 ms%@)", 1000 * loadMedian,
                 loadMedian < 1 ? ", met" : ", NOT met"))
    if formats { try dataFormatsBenchmark(repeats: repeats) }
}

private func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// A benchmark's bad argument.
struct DataBenchOptionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
