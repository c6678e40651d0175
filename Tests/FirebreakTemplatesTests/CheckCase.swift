import FirebreakTemplates

/// One check with a template that must be flagged (with the expected logical ids) and one that must not.
struct CheckCase: Sendable, CustomTestStringConvertible {
    var id: String
    var bad: String
    var flagged: [String]
    var good: String
    var configuration: CheckConfiguration = .default

    var testDescription: String { id }

    init(_ id: String, bad: String, flagged: [String], good: String, configuration: CheckConfiguration = .default) {
        self.id = id
        self.bad = bad
        self.flagged = flagged
        self.good = good
        self.configuration = configuration
    }
}

import Testing
