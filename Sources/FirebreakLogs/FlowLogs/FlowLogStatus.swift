/// `log-status`.
public enum FlowLogStatus: String, Sendable, Equatable {
    case ok = "OK"
    case noData = "NODATA"
    case skipData = "SKIPDATA"
}
