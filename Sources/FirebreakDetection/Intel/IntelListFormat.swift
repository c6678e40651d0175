/// How the lines of an intel list file are read.
public enum IntelListFormat: String, Sendable, Hashable, CaseIterable {
    /// Decided line by line: an address or CIDR, optionally followed by an IPsum count, a `;` or `#`
    /// comment, or a Spamhaus DROP JSON line (`{"cidr":...}`).
    case auto
    /// One IP address or CIDR per line, `#` and `;` comments (FireHOL netsets, abuse.ch lists).
    case plain
    /// IPsum: `IP<TAB>count`; only lines whose count is at least the loader's `minimumCount` are kept.
    case ipsum
    /// Spamhaus DROP/EDROP: `CIDR ; SBL123456`, or the JSON-lines edition (`{"cidr":"…","sblid":"…"}`).
    case spamhausDrop
}
