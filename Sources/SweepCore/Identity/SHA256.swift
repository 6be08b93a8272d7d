// SHA-256 (FIPS 180-4), written out because the toolchain on Linux has no CryptoKit and the project
// takes no packages. It names configurations, so speed matters: expanding a million-configuration grid
// hashes a million canonical texts.

/// A SHA-256 digest computation.
public struct SHA256 {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() {}

    /// Feeds more bytes.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            pending.append(byte)
            length &+= 1
            if pending.count == 64 {
                pending.withUnsafeBufferPointer { compress(UnsafeRawPointer($0.baseAddress!)) }
                pending.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The 32-byte digest of everything fed so far.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        pending.append(0x80)
        while pending.count % 64 != 56 { pending.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { pending.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        pending.withUnsafeBufferPointer { buffer in
            for block in stride(from: 0, to: buffer.count, by: 64) { compress(UnsafeRawPointer(buffer.baseAddress! + block)) }
        }
        pending.removeAll()
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        return words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * $0)) } }
    }

    /// The digest of `bytes` as 64 lowercase hexadecimal characters.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return String(decoding: hexDigits(hasher.finalize()), as: UTF8.self)
    }

    /// Writes the hexadecimal digest of `count` bytes at `bytes` into `out` (64 bytes), allocating
    /// nothing: the path used for every configuration of an expansion.
    public static func hex(_ bytes: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        var hasher = SHA256()
        var offset = 0
        while count - offset >= 64 {
            hasher.compress(UnsafeRawPointer(bytes + offset))
            offset += 64
        }
        // The tail, the 0x80 marker and the bit length fill one or two final blocks.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
            let rest = count - offset
            tail.baseAddress!.initialize(repeating: 0, count: 128)
            (tail.baseAddress!).update(from: bytes + offset, count: rest)
            tail[rest] = 0x80
            let blocks = rest + 9 <= 64 ? 1 : 2
            let bitLength = UInt64(count) &* 8
            for i in 0..<8 { tail[blocks * 64 - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i)) }
            for block in 0..<blocks { hasher.compress(UnsafeRawPointer(tail.baseAddress! + 64 * block)) }
        }
        let s = hasher.state
        let words = (s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7)
        withUnsafeBytes(of: words) { raw in
            let digits = SHA256.hexAlphabet
            for i in 0..<8 {
                let word = raw.load(fromByteOffset: 4 * i, as: UInt32.self)
                for j in 0..<4 {
                    let byte = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * j))
                    out[8 * i + 2 * j] = digits[Int(byte >> 4)]
                    out[8 * i + 2 * j + 1] = digits[Int(byte & 0xF)]
                }
            }
        }
    }

    private static let hexAlphabet: [UInt8] = Array("0123456789abcdef".utf8)

    private static func hexDigits(_ digest: [UInt8]) -> [UInt8] {
        digest.flatMap { [hexAlphabet[Int($0 >> 4)], hexAlphabet[Int($0 & 0xF)]] }
    }

    private static let roundConstants: [UInt32] = [
        0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
        0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
        0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
        0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
        0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
        0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
        0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
        0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
    ]

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// One 64-byte block.
    private mutating func compress(_ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 { w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)) }
            for t in 16..<64 {
                let s0 = SHA256.rotr(w[t - 15], 7) ^ SHA256.rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = SHA256.rotr(w[t - 2], 17) ^ SHA256.rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            SHA256.roundConstants.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let s1 = SHA256.rotr(e, 6) ^ SHA256.rotr(e, 11) ^ SHA256.rotr(e, 25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[t] &+ w[t]
                    let s0 = SHA256.rotr(a, 2) ^ SHA256.rotr(a, 13) ^ SHA256.rotr(a, 22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                     state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }
}
