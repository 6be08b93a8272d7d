// SHA-256 (FIPS 180-4), written out because the toolchain on Linux has no CryptoKit and the project
// takes no packages. It names configurations, so speed matters: expanding a million-configuration grid
// hashes a million canonical texts. The hot path (`hex(_:count:into:)`) allocates nothing and takes its
// constants and scratch space once per digest.

/// SHA-256 digests.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let message = Array(bytes)
        var hex = [UInt8](repeating: 0, count: 64)
        message.withUnsafeBufferPointer { input in
            hex.withUnsafeMutableBufferPointer { out in
                SHA256.hex(input.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: message.count, into: out.baseAddress!)
            }
        }
        return stride(from: 0, to: 64, by: 2).map { UInt8(value(hex[$0]) << 4 | value(hex[$0 + 1])) }
    }

    /// The digest of `bytes` as 64 lowercase hexadecimal characters.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let message = Array(bytes)
        var hex = [UInt8](repeating: 0, count: 64)
        message.withUnsafeBufferPointer { input in
            hex.withUnsafeMutableBufferPointer { out in
                SHA256.hex(input.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: message.count, into: out.baseAddress!)
            }
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Writes the hexadecimal digest of the `count` bytes at `bytes` into `out` (64 bytes).
    public static func hex(_ bytes: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        let k = roundConstants
        // Scratch: 8 state words, 64 schedule words, then two blocks for the padded tail.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8 + 64 + 32) { scratch in
            let state = scratch.baseAddress!
            let schedule = state + 8
            let tail = UnsafeMutableRawPointer(state + 72).bindMemory(to: UInt8.self, capacity: 128)
            state.initialize(from: initialState, count: 8)
            var offset = 0
            while count - offset >= 64 {
                compress(UnsafeRawPointer(bytes + offset), state, schedule, k)
                offset += 64
            }
            // The rest, the 0x80 marker and the message length in bits fill one or two final blocks.
            let rest = count - offset
            tail.initialize(repeating: 0, count: 128)
            tail.update(from: bytes + offset, count: rest)
            tail[rest] = 0x80
            let blocks = rest + 9 <= 64 ? 1 : 2
            let bitLength = UInt64(count) &* 8
            for i in 0..<8 { tail[blocks * 64 - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i)) }
            for block in 0..<blocks { compress(UnsafeRawPointer(tail + 64 * block), state, schedule, k) }
            writeHex(state, to: out)
        }
    }

    /// A digest computed over data that arrives in pieces (a whole expansion, say).
    public struct Stream {
        private var state: [UInt32] = Array(UnsafeBufferPointer(start: SHA256.initialState, count: 8))
        private var pending: [UInt8] = []
        private var length = 0

        public init() {}

        /// Feeds more bytes.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            length += bytes.count
            pending.append(contentsOf: bytes)
            let whole = pending.count / 64 * 64
            guard whole > 0 else { return }
            pending.withUnsafeBufferPointer { input in
                state.withUnsafeMutableBufferPointer { state in
                    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                        for block in stride(from: 0, to: whole, by: 64) {
                            SHA256.compress(UnsafeRawPointer(input.baseAddress! + block), state.baseAddress!,
                                            schedule.baseAddress!, SHA256.roundConstants)
                        }
                    }
                }
            }
            pending.removeFirst(whole)
        }

        /// The digest of everything fed, as 64 hexadecimal characters.
        public mutating func finalize() -> String {
            // The pending tail, hashed as the end of a message of `length` bytes: reuse the one-shot
            // path's padding by hashing the tail with the right total length.
            var tail = pending
            tail.append(0x80)
            while tail.count % 64 != 56 { tail.append(0) }
            let bits = UInt64(length) &* 8
            for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            var out = [UInt8](repeating: 0, count: 64)
            tail.withUnsafeBufferPointer { input in
                state.withUnsafeMutableBufferPointer { state in
                    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                        for block in stride(from: 0, to: tail.count, by: 64) {
                            SHA256.compress(UnsafeRawPointer(input.baseAddress! + block), state.baseAddress!,
                                            schedule.baseAddress!, SHA256.roundConstants)
                        }
                    }
                    out.withUnsafeMutableBufferPointer { SHA256.writeHex(state.baseAddress!, to: $0.baseAddress!) }
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The 8 state words as 64 hexadecimal characters at `out`.
    private static func writeHex(_ state: UnsafePointer<UInt32>, to out: UnsafeMutablePointer<UInt8>) {
        for i in 0..<8 {
            for j in 0..<4 {
                let byte = Int(truncatingIfNeeded: state[i] >> UInt32(24 - 8 * j)) & 0xFF
                out[8 * i + 2 * j] = hexAlphabet[byte >> 4]
                out[8 * i + 2 * j + 1] = hexAlphabet[byte & 0xF]
            }
        }
    }

    private static func value(_ hexDigit: UInt8) -> UInt8 {
        hexDigit <= UInt8(ascii: "9") ? hexDigit - UInt8(ascii: "0") : hexDigit - UInt8(ascii: "a") + 10
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// One round: h ← T1 + Σ0(a) + Maj(a, b, c), d ← d + T1, with T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
    /// (Ch as g ⊕ (e ∧ (f ⊕ g)), Maj as (a ∧ b) ∨ (c ∧ (a ∨ b)): the same functions in fewer operations).
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        d = d &+ t1
        h = t1 &+ (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
    }

    /// One 64-byte block into `state` (8 words); `w` is scratch for the 64-word message schedule.
    @inline(__always)
    private static func compress(_ block: UnsafeRawPointer, _ state: UnsafeMutablePointer<UInt32>,
                                 _ w: UnsafeMutablePointer<UInt32>, _ k: UnsafePointer<UInt32>) {
        for t in 0..<16 { w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)) }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var a = state[0], b = state[1], c = state[2], d = state[3]
        var e = state[4], f = state[5], g = state[6], h = state[7]
        // Eight rounds per pass with the variables passed in rotated order: nothing is copied from one
        // round's name to the next (a plain loop spends a third of its instructions on those moves).
        var t = 0
        while t < 64 {
            round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
            round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
            round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
            round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
            round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
            round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
            round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
            round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
            t += 8
        }
        state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
        state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
    }

    private static let hexAlphabet: UnsafePointer<UInt8> = constantBuffer(Array("0123456789abcdef".utf8))
    private static let initialState: UnsafePointer<UInt32> = constantBuffer([
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
    ])
    private static let roundConstants: UnsafePointer<UInt32> = constantBuffer([
        0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
        0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
        0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
        0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
        0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
        0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
        0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
        0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
    ])

    /// Constants in memory that lives as long as the process, read through a plain pointer in hot loops.
    private static func constantBuffer<T>(_ values: [T]) -> UnsafePointer<T> {
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: values.count)
        buffer.initialize(from: values, count: values.count)
        return UnsafePointer(buffer)
    }
}
