import FirebreakDetection

/// The resource a step acts on (`instance`, `network-interface`, `security-group`, `trail`, ...), or why it
/// cannot act (`problem`: the action is planned `skipped` with it).
struct StepTarget: Sendable, Hashable {
    var type: String
    var id: String
    var problem: String?
    /// Added to the idempotency key when a step may act on the same resource more than once per window.
    var keySuffix: String?

    init(type: String, id: String, problem: String? = nil, keySuffix: String? = nil) {
        self.type = type
        self.id = id
        self.problem = problem
        self.keySuffix = keySuffix
    }

    /// The finding's own resource (or the finding, when it names none), with a problem.
    init(_ finding: Finding, problem: String? = nil) {
        self.init(type: finding.resource.type ?? "finding", id: finding.resource.id ?? finding.id, problem: problem)
    }
}
