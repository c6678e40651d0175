/// `isolate`: `{"securityGroup": "sg-..."}` from the step's `security_group` option: the interfaces move to this
/// group instead of the VPC's quarantine group (which the runner creates when it is missing).
public struct IsolatePayload: Codable, Sendable, Hashable {
    public var securityGroup: String?

    public init(securityGroup: String? = nil) {
        self.securityGroup = securityGroup
    }
}
