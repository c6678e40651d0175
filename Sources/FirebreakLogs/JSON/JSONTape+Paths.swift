extension JSONTape {
    /// The first value at `path` from `index`, as `JSONValue.value(at:)` finds it: object keys (the last of a repeated
    /// key), every element of an array on the way tried in order; `index` itself for an empty path.
    public func value(at path: ArraySlice<String>, from index: Int) -> Int? {
        guard let key = path.first else { return index }
        switch kind(index) {
        case .object:
            return member(index, key).flatMap { value(at: path.dropFirst(), from: $0) }
        case .array:
            var i = index + 1
            let end = next(index)
            while i < end {
                if let found = value(at: path, from: i) { return found }
                i = next(i)
            }
            return nil
        default:
            return nil
        }
    }

    /// Every value at `path` from `index`, in document order, as `JSONValue.values(at:)` collects them: where the path
    /// meets an array, each element is followed.
    public func values(at path: ArraySlice<String>, from index: Int) -> [Int] {
        var out: [Int] = []
        collect(path, index, into: &out)
        return out
    }

    private func collect(_ path: ArraySlice<String>, _ index: Int, into out: inout [Int]) {
        guard let key = path.first else { out.append(index); return }
        switch kind(index) {
        case .object:
            if let found = member(index, key) { collect(path.dropFirst(), found, into: &out) }
        case .array:
            var i = index + 1
            let end = next(index)
            while i < end {
                collect(path, i, into: &out)
                i = next(i)
            }
        default:
            return
        }
    }
}
