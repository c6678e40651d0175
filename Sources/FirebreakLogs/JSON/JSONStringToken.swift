/// A string token found by the scanner: the bytes between the quotes, still escaped.
struct JSONStringToken {
    var start: Int
    var end: Int
    var hasEscapes: Bool
}
