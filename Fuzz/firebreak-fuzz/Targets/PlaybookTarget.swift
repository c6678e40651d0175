import FirebreakResponse

/// `playbook`: the bytes (as UTF-8, lossily) are a playbooks file, parsed by `PlaybookSet.parse(yaml:source:)`.
enum PlaybookTarget {
    static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            let set = try PlaybookSet.parse(yaml: text, source: "fuzz-playbooks.yaml")
            _ = set.playbooks.count
        } catch {
            _ = String(describing: error)
        }
    }
}
