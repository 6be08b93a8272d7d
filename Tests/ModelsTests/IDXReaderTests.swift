import Testing
import Models

@Suite struct IDXReaderTests {
    static let pixels: [UInt8] = (0..<18).map { UInt8($0 * 14) }  // 3 images of 2×3

    @Test(arguments: [false, true])
    func readsImagesAndLabels(gzip: Bool) throws {
        let folder = try DatasetTestFolder()
        func put(_ name: String, _ bytes: [UInt8]) throws -> String {
            gzip ? try folder.write(name + ".gz", GzipTestWriter.compress(bytes)) : try folder.write(name, bytes)
        }
        let images = try put("images", IDXTestWriter.file(shape: [3, 2, 3], elements: Self.pixels))
        let labels = try put("labels", IDXTestWriter.file(shape: [3], elements: [7, 0, 9]))
        let array = try IDXReader.read(images, dimensions: 3)
        #expect(array.shape == [3, 2, 3] && array.count == 3 && array.itemShape == [2, 3])
        #expect(Array(array.elements) == Self.pixels)

        let set = try IDXReader.labelledImages(images: images, labels: labels, classes: 10)
        #expect(set.shape == [1, 2, 3] && set.count == 3 && set.labels == [7, 0, 9])
        let samples = set.allSamples(normalization: .unitRange(channels: 1))
        #expect(samples.sampleShape == [1, 2, 3] && samples.count == 3 && samples.labels == [7, 0, 9])
        #expect(samples.features == Self.pixels.map { Float($0) / 255 })
    }

    @Test func normalisesAsToTensorThenNormalize() throws {
        let bytes: [UInt8] = [0, 1, 2, 127, 128, 200, 254, 255, 33]
        let raw = try IDXReader.parse(IDXTestWriter.file(shape: [1, 3, 3], elements: bytes), dimensions: 3, file: "x")
        let set = RawImages(pixels: raw.elements, offset: 0, stride: 9, count: 1, shape: [1, 3, 3], labels: [0])
        let samples = set.allSamples(normalization: .mnist)
        // torchvision: ToTensor divides by 255 in float32, Normalize subtracts the mean then divides by the std.
        let mean: Float = 0.1307, std: Float = 0.3081
        #expect(samples.features == bytes.map { (Float($0) / 255 - mean) / std })
        // The same values from NumPy float32, `(np.float32(b) / 255 - np.float32(0.1307)) / np.float32(0.3081)`;
        // a fused `b · (1/(255·std)) − mean/std` would differ in the last bit for 1, 200 and 255.
        #expect(samples.features[1] == -0x1.a55c4p-2 && samples.features[3] == 0x1.3138c8p+0)
        #expect(samples.features[5] == 0x1.0f8b26p+1 && samples.features[7] == 0x1.69267ap+1)
    }

    @Test func wrongMagicNumberNamesBothNumbers() throws {
        let folder = try DatasetTestFolder()
        let labels = try folder.write("train-labels-idx1-ubyte", IDXTestWriter.file(shape: [3], elements: [1, 2, 3]))
        let error = try #require(throws: DataError.self) { try IDXReader.read(labels, dimensions: 3) }
        #expect(error.problem == .badMagic(found: 0x0000_0801, expected: 0x0000_0803,
                                           meaning: "an IDX file of unsigned bytes with 3 dimensions"))
        #expect(error.description == labels + ": bad magic number 0x00000801 (expected 0x00000803: "
                + "an IDX file of unsigned bytes with 3 dimensions)")
    }

    @Test func otherElementTypesAreRefused() throws {
        var bytes = IDXTestWriter.file(shape: [2], elements: [0, 0, 0, 0, 0, 0, 0, 0])
        bytes[2] = 0x0D  // float32 elements
        let error = try #require(throws: DataError.self) { try IDXReader.parse(bytes, dimensions: 1, file: "f") }
        #expect(error.problem == .badMagic(found: 0x0000_0D01, expected: 0x0000_0801, meaning: "an IDX file of unsigned bytes with 1 dimension"))
    }

    @Test func truncatedDataSaysHowMuchWasExpected() throws {
        let folder = try DatasetTestFolder()
        let full = IDXTestWriter.file(shape: [3, 2, 3], elements: Self.pixels)
        let path = try folder.write("cut", Array(full[..<30]))
        let error = try #require(throws: DataError.self) { try IDXReader.read(path, dimensions: 3) }
        #expect(error.problem == .wrongLength(expected: 34, found: 30, what: "a 16-byte header and 3×2×3 bytes of data"))
        #expect(error.description == path + ": truncated: a 16-byte header and 3×2×3 bytes of data needs 34 bytes, the file has 30")
    }

    @Test func truncatedHeaderAndTrailingBytes() throws {
        let full = IDXTestWriter.file(shape: [3, 2, 3], elements: Self.pixels)
        let header = try #require(throws: DataError.self) { try IDXReader.parse(Array(full[..<10]), dimensions: 3, file: "h") }
        #expect(header.problem == .wrongLength(expected: 16, found: 10, what: "the header of an IDX file of unsigned bytes with 3 dimensions"))
        let empty = try #require(throws: DataError.self) { try IDXReader.parse([], dimensions: 1, file: "e") }
        #expect(empty.problem == .wrongLength(expected: 4, found: 0, what: "the IDX magic number"))
        let long = try #require(throws: DataError.self) { try IDXReader.parse(full + [0], dimensions: 3, file: "l") }
        #expect(long.description.hasPrefix("l: too long: a 16-byte header and 3×2×3 bytes of data needs 34 bytes, the file has 35"))
    }

    @Test func truncatedGzipFileNamesTheFile() throws {
        let folder = try DatasetTestFolder()
        let compressed = GzipTestWriter.compress(IDXTestWriter.file(shape: [3, 2, 3], elements: Self.pixels))
        let path = try folder.write("train-images-idx3-ubyte.gz", Array(compressed[..<(compressed.count - 12)]))
        let error = try #require(throws: DataError.self) { try IDXReader.read(path, dimensions: 3) }
        #expect(error.file == path)
        #expect(error.description.hasPrefix(path + ": corrupt gzip data: the file ends before the gzip stream does"))
    }

    @Test func labelsMustMatchImagesAndClasses() throws {
        let folder = try DatasetTestFolder()
        let images = try folder.write("i", IDXTestWriter.file(shape: [3, 2, 3], elements: Self.pixels))
        let twoLabels = try folder.write("two", IDXTestWriter.file(shape: [2], elements: [1, 2]))
        let mismatch = try #require(throws: DataError.self) {
            try IDXReader.labelledImages(images: images, labels: twoLabels, classes: 10)
        }
        #expect(mismatch.description == images + ": holds 3 samples but \(twoLabels) holds 2 labels")
        let badLabel = try folder.write("bad", IDXTestWriter.file(shape: [3], elements: [1, 10, 2]))
        let range = try #require(throws: DataError.self) {
            try IDXReader.labelledImages(images: images, labels: badLabel, classes: 10)
        }
        #expect(range.description == badLabel + ": label 10 of item 1 is outside 0…9")
    }
}
