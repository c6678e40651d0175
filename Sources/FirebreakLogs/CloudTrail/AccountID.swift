/// A 12-digit AWS account id, as found in policies and request parameters.
enum AccountID {
    /// The account of `text`: the text itself when it is 12 digits, the account field of an ARN
    /// (`arn:aws:iam::111122223333:root`, `arn:aws:kms:us-east-1:111122223333:key/...`), else nil.
    static func of(_ text: String) -> String? {
        if isAccount(text[...]) { return text }
        guard text.hasPrefix("arn:") else { return nil }
        let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count >= 5, isAccount(fields[4]) else { return nil }
        return String(fields[4])
    }

    static func isAccount(_ text: Substring) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
