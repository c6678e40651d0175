import Synchronization

/// Open while the service accepts new deliveries; closed for good when it starts draining.
final class AcceptanceGate: Sendable {
    private let open = Atomic<Bool>(true)

    var isOpen: Bool { open.load(ordering: .acquiring) }

    func close() { open.store(false, ordering: .releasing) }
}
