/// A message that could not be read: the peer closed mid-message, a time limit passed, or the framing is broken.
public struct HTTPWireError: Error, CustomStringConvertible {
    public var description: String
}
