/// What a Sigma placeholder (`%name%` with the `expand` modifier) stands for.
public enum PlaceholderValue: Sendable {
    /// Plain values, compared like the rule's own values (with the field's other modifiers).
    case values([String])
    /// An address list (intel list or CIDRs): the field matches when its address is in the set.
    case addresses(IPSet)
    /// A domain list: the field matches when its value is a listed domain or below one.
    case domains(DomainSet)
}
