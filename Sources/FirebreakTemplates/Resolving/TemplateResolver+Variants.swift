/// `Fn::If` expanded into both branches, for checks that must hold whatever the conditions.
extension TemplateResolver {
    /// At most this many variants are produced; further branch combinations are dropped.
    public static let maximumVariants = 16

    /// Every combination of `Fn::If` branches in `value` (at any depth), each resolved, with a label
    /// naming the branches taken (`"IsProd: true"`, `"IsProd: false, UseKMS: true"`; nil when there
    /// is no `Fn::If`). A condition takes the same branch everywhere within one variant. A branch of
    /// `AWS::NoValue` removes the property; a value removed as a whole is `.null`. Bounded by
    /// `maximumVariants`.
    public func variants(_ value: TemplateValue) -> [(value: TemplateValue, branch: String?)] {
        expand(value, assumed: []).map { expansion in
            let label = expansion.assumed.isEmpty
                ? nil : expansion.assumed.map { "\($0.condition): \($0.holds)" }.joined(separator: ", ")
            return (resolve(expansion.value ?? .null) ?? .null, label)
        }
    }

    private typealias Assumption = (condition: String, holds: Bool)
    /// A value with its `Fn::If`s chosen; nil when a branch removed it (`AWS::NoValue`).
    private typealias Expansion = (value: TemplateValue?, assumed: [Assumption])

    private func expand(_ value: TemplateValue, assumed: [Assumption]) -> [Expansion] {
        switch value {
        case .null, .bool, .number, .string:
            return [(value, assumed)]
        case .list(let items):
            var results: [([TemplateValue], [Assumption])] = [([], assumed)]
            for item in items {
                results = combine(results) { partial, assumed in
                    expand(item, assumed: assumed).map { (partial + ($0.value.map { [$0] } ?? []), $0.assumed) }
                }
            }
            return results.map { (.list($0.0), $0.1) }
        case .map(let map):
            if let (name, argument) = value.intrinsic, name == "Fn::If", let parts = argument.list, parts.count == 3,
               let condition = parts[0].string {
                var results: [Expansion] = []
                for (holds, branch) in [(true, parts[1]), (false, parts[2])] {
                    if let earlier = assumed.first(where: { $0.condition == condition }) {
                        guard earlier.holds == holds else { continue }
                        results += expand(branch, assumed: assumed)
                    } else {
                        results += expand(branch, assumed: assumed + [(condition, holds)])
                    }
                }
                return results.map { expansion in
                    (expansion.value.flatMap { isNoValue($0) ? nil : $0 }, expansion.assumed)
                }.prefix(Self.maximumVariants).map { $0 }
            }
            var results: [([TemplateMap.Entry], [Assumption])] = [([], assumed)]
            for entry in map.entries {
                results = combine(results) { partial, assumed in
                    expand(entry.value, assumed: assumed).map { expansion in
                        let added = expansion.value.map { [TemplateMap.Entry(key: entry.key, value: $0, line: entry.line)] } ?? []
                        return (partial + added, expansion.assumed)
                    }
                }
            }
            return results.map { (.map(TemplateMap($0.0)), $0.1) }
        }
    }

    private func combine<Partial>(_ partials: [(Partial, [Assumption])],
                                  _ extend: (Partial, [Assumption]) -> [(Partial, [Assumption])]) -> [(Partial, [Assumption])] {
        var results: [(Partial, [Assumption])] = []
        for (partial, assumed) in partials {
            for extended in extend(partial, assumed) {
                guard results.count < Self.maximumVariants else { return results }
                results.append(extended)
            }
        }
        return results
    }

    private func isNoValue(_ value: TemplateValue) -> Bool {
        if let (name, argument) = value.intrinsic, name == "Ref", argument.string == PseudoParameter.noValue { return true }
        return false
    }
}
