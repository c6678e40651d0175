import FirebreakAWS
import Synchronization

/// Finds the instance a finding is about, by instance id or by network interface (a VPC flow record names only
/// the ENI), through DescribeInstances and DescribeNetworkInterfaces.
///
/// Answers are cached for `ttl` (30 s by default) in a bounded cache (10,000 entries by default, oldest stored
/// evicted first), so a burst of flow records about one interface costs one or two EC2 calls. Misses are
/// cached too (an unknown instance, an interface that belongs to no instance such as a NAT gateway's or a
/// Lambda's), so a busy non-instance ENI does not call EC2 for every record. After a step changes an instance,
/// `invalidate(_:)` drops what is known of it. Thread-safe; two threads missing the same key at once may both
/// call EC2 (the later answer wins), which is harmless.
public final class ResourceResolver: Sendable {
    public let ec2: EC2Client
    /// The account the EC2 client acts in (e.g. from STS GetCallerIdentity or the configuration); copied into
    /// every `ResolvedInstance`. DescribeInstances' owner id is not exposed by `EC2Instance`, hence a parameter.
    public let accountId: String?

    private struct State: Sendable {
        /// Instance id → the instance, or nil when it does not exist.
        var instances: ExpiringCache<String, ResolvedInstance?>
        /// Interface id → the instance id it is attached to, or nil when unknown or attached to no instance.
        var interfaces: ExpiringCache<String, String?>
    }

    private let state: Mutex<State>

    public init(ec2: EC2Client, accountId: String? = nil, ttl: Duration = .seconds(30), capacity: Int = 10_000) {
        self.ec2 = ec2
        self.accountId = accountId
        state = Mutex(State(instances: ExpiringCache(ttl: ttl, capacity: capacity),
                            interfaces: ExpiringCache(ttl: ttl, capacity: capacity)))
    }

    public var region: String { ec2.client.region }

    /// The instance with this id, or nil when EC2 does not know it (`InvalidInstanceID.NotFound`, or an empty
    /// answer). Other errors are thrown and not cached.
    public func instance(id: String) throws(AWSError) -> ResolvedInstance? {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0.instances.value(for: id, now: now) }) { return cached }
        let resolved: ResolvedInstance?
        do {
            resolved = try ec2.describeInstances(ids: [id]).first { $0.instanceId == id }
                .map { ResolvedInstance($0, region: region, accountId: accountId) }
        } catch where error.kind == .notFound {
            resolved = nil
        }
        state.withLock { state in
            state.instances.store(resolved, for: id, now: now)
            for interface in resolved?.networkInterfaces ?? [] {
                state.interfaces.store(id, for: interface.networkInterfaceId, now: now)
            }
        }
        return resolved
    }

    /// The instance a network interface is attached to; nil when the interface is unknown or attached to
    /// something else than an instance (NAT gateway, load balancer, Lambda, VPC endpoint, ...).
    public func instance(forNetworkInterface networkInterfaceId: String) throws(AWSError) -> ResolvedInstance? {
        let now = ContinuousClock.now
        let cached = state.withLock { $0.interfaces.value(for: networkInterfaceId, now: now) }
        let instanceId: String?
        if let cached {
            instanceId = cached
        } else {
            do {
                instanceId = try ec2.describeNetworkInterfaces(ids: [networkInterfaceId])
                    .first { $0.networkInterfaceId == networkInterfaceId }?.attachedInstanceId
            } catch where error.kind == .notFound {
                instanceId = nil
            }
            state.withLock { $0.interfaces.store(instanceId, for: networkInterfaceId, now: now) }
        }
        guard let instanceId else { return nil }
        return try instance(id: instanceId)
    }

    /// Forgets an instance (by instance id) or an interface (by ENI id), after a change or when told it is stale.
    public func invalidate(_ id: String) {
        state.withLock { state in
            state.instances.remove(id)
            state.interfaces.remove(id)
        }
    }
}
