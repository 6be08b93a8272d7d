import Testing
import Models

@Suite struct GzipTests {
    /// Bytes with some structure (compressible) and some noise (not trivially so).
    static func sample(_ count: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: 5)
        return (0..<count).map { i in UInt8(truncatingIfNeeded: i % 251 &+ (generator.below(4) == 0 ? generator.below(256) : 0)) }
    }

    @Test(arguments: [0, 1, 100, 70_000, 300_000])
    func roundTrip(count: Int) throws {
        let bytes = Self.sample(count)
        let compressed = GzipTestWriter.compress(bytes)
        #expect(Gzip.isCompressed(compressed))
        #expect(try Gzip.inflate(compressed, file: "x.gz") == bytes)
    }

    @Test func readsConcatenatedMembers() throws {
        let a = Self.sample(1000), b = Array(Self.sample(5000).reversed())
        let joined = GzipTestWriter.compress(a) + GzipTestWriter.compress(b)
        #expect(try Gzip.inflate(joined, file: "ab.gz") == a + b)
    }

    @Test func fileBytesInflatesByContentNotName() throws {
        let folder = try DatasetTestFolder()
        let bytes = Self.sample(4000)
        let packed = try folder.write("plain-name.bin", GzipTestWriter.compress(bytes))
        let plain = try folder.write("packed-name.gz", bytes)
        #expect(try FileBytes.read(packed) == bytes)
        #expect(try FileBytes.read(plain) == bytes)
    }

    @Test func concatenatesPlainAndCompressedFiles() throws {
        let folder = try DatasetTestFolder()
        let a = Self.sample(3000), b = Array(Self.sample(5000).reversed()), c = Self.sample(7)
        let plain = try [("a", a), ("b", b), ("c", c)].map { try folder.write($0.0, $0.1) }
        let (joined, lengths) = try FileBytes.readConcatenated(plain)
        #expect(joined == a + b + c && lengths == [3000, 5000, 7])
        let mixed = [plain[0], try folder.write("b.gz", GzipTestWriter.compress(b)), plain[2]]
        let (joinedMixed, lengthsMixed) = try FileBytes.readConcatenated(mixed)
        #expect(joinedMixed == a + b + c && lengthsMixed == [3000, 5000, 7])
        let error = try #require(throws: DataError.self) { try FileBytes.readConcatenated([plain[0], folder.file("none")]) }
        #expect(error.file == folder.file("none"))
    }

    @Test func truncatedStreamIsAnError() throws {
        let compressed = GzipTestWriter.compress(Self.sample(50_000))
        let cut = Array(compressed[..<(compressed.count / 2)])
        let error = try #require(throws: DataError.self) { try Gzip.inflate(cut, file: "/d/cut.gz") }
        guard case let .gzip(reason) = error.problem else { Issue.record("wrong problem \(error.problem)"); return }
        #expect(reason.contains("ends before the gzip stream"))
        #expect(error.description.hasPrefix("/d/cut.gz: corrupt gzip data"))
    }

    @Test func corruptDataIsAnError() throws {
        var compressed = GzipTestWriter.compress(Self.sample(50_000))
        for i in 20..<60 { compressed[i] ^= 0x5A }
        let error = try #require(throws: DataError.self) { try Gzip.inflate(compressed, file: "bad.gz") }
        guard case .gzip = error.problem else { Issue.record("wrong problem \(error.problem)"); return }
    }

    @Test func wrongChecksumIsAnError() throws {
        var compressed = GzipTestWriter.compress(Self.sample(10_000))
        compressed[compressed.count - 6] ^= 0xFF  // inside the CRC-32 of the trailer
        let error = try #require(throws: DataError.self) { try Gzip.inflate(compressed, file: "crc.gz") }
        #expect(error.description.contains("incorrect data check"))
    }

    @Test func strayBytesAfterTheStreamAreAnError() throws {
        let compressed = GzipTestWriter.compress(Self.sample(100)) + [1, 2, 3]
        let error = try #require(throws: DataError.self) { try Gzip.inflate(compressed, file: "tail.gz") }
        #expect(error.description.contains("3 stray bytes"))
    }

    @Test func missingFileNamesTheFileAndTheReason() throws {
        let error = try #require(throws: DataError.self) { try FileBytes.read("/nonexistent/sweep/file.bin") }
        #expect(error.description == "/nonexistent/sweep/file.bin: cannot read the file (No such file or directory)")
    }
}
