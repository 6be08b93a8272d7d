import Testing
@testable import SweepCore

@Suite struct SHA256Tests {
    /// FIPS 180-4 example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func knownVectors(_ message: String, _ digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test func oneMillionAs() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length around the block and padding boundaries (55, 56, 63, 64, 119, 120…): the digests of
    /// the first 0…299 bytes of a pattern, concatenated and hashed again, as Python's hashlib computes it.
    @Test func everyLengthUpTo300MatchesHashlib() {
        let pattern = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let digests = (0..<300).flatMap { Array(SHA256.hex(pattern[..<$0]).utf8) }
        #expect(SHA256.hex(digests) == "a5c8edb89f340337938f420fff4e8e77ec8025b62512c90e37b4a3f0c3854297")
        #expect(SHA256.digest(Array("abc".utf8)).prefix(4) == [0xBA, 0x78, 0x16, 0xBF])
        // The same message fed to the streaming digest in uneven pieces.
        var stream = SHA256.Stream()
        var offset = 0
        for size in [0, 1, 63, 64, 65, 200, 7] where offset < digests.count {
            let end = min(digests.count, offset + size)
            digests[offset..<end].withUnsafeBytes { stream.update($0) }
            offset = end
        }
        digests[offset...].withUnsafeBytes { stream.update($0) }
        #expect(stream.finalize() == "a5c8edb89f340337938f420fff4e8e77ec8025b62512c90e37b4a3f0c3854297")
    }
}
