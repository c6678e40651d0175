/// One named selection.
public enum SigmaSelection: Sendable, Equatable {
    /// Field maps: each map is an AND of its items, the list of maps an OR.
    case maps([[SigmaFieldItem]])
    /// A plain list of values searched for in the whole event (keyword search).
    case keywords([SigmaScalar])
}
