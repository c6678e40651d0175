import FirebreakLogs

/// What the service knows of the network, for facts a record leaves out (`network.internal_cidrs`).
public struct NetworkContext: Sendable {
    /// Address ranges of the VPCs watched: traffic from inside to outside is egress, from outside to inside ingress.
    public var internalNetworks: IPSet

    public init(internalNetworks: IPSet = IPSet()) {
        self.internalNetworks = internalNetworks
    }

    /// Version-2 records have no `flow-direction`: a source inside the internal CIDRs and a destination
    /// outside them is egress; the reverse is ingress; inside-to-inside and unknown stay nil.
    public func direction(source: IPAddress?, destination: IPAddress?, interfaceAddress: IPAddress?) -> FlowDirection? {
        guard !internalNetworks.isEmpty, let source, let destination else { return nil }
        let sourceInside = internalNetworks.contains(source)
        let destinationInside = internalNetworks.contains(destination)
        switch (sourceInside, destinationInside) {
        case (true, false): return .egress
        case (false, true): return .ingress
        default: return nil
        }
    }
}
