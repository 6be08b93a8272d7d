// Activation buffers of the sentence models, by name, grown to the largest batch seen. Sentence batches
// vary in length, so a fixed layout (llm.c's) does not fit; a name gives the same memory to the forward
// that fills it and the backward that reads it.

/// Named aligned buffers that only grow.
final class NamedScratch {
    private var floats: [String: AlignedBuffer<Float>] = [:]
    private var ints: [String: AlignedBuffer<Int32>] = [:]

    /// At least `count` floats named `name` (contents kept only while the size does not grow).
    func floats(_ name: String, _ count: Int) -> UnsafeMutablePointer<Float> {
        if let buffer = floats[name], buffer.count >= count { return buffer.pointer }
        let buffer = AlignedBuffer<Float>(count: count)
        floats[name] = buffer
        return buffer.pointer
    }

    /// `floats` set to zero.
    func zeros(_ name: String, _ count: Int) -> UnsafeMutablePointer<Float> {
        let p = floats(name, count)
        p.update(repeating: 0, count: count)
        return p
    }

    /// At least `count` ints named `name`.
    func ints(_ name: String, _ count: Int) -> UnsafeMutablePointer<Int32> {
        if let buffer = ints[name], buffer.count >= count { return buffer.pointer }
        let buffer = AlignedBuffer<Int32>(count: count)
        ints[name] = buffer
        return buffer.pointer
    }
}
