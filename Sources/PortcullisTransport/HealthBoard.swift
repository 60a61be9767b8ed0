import Synchronization

/// The serving status `grpc.health.v1.Health` reports, and the Watch streams to tell
/// when it changes. Checks read one atomic; only Watch streams take the lock.
final class HealthBoard: Sendable {
    private let services: Set<String>
    private let serving = Atomic<Bool>(true)
    private let watches = Mutex<WatchRegistry>(WatchRegistry())

    struct WatchRegistry: ~Copyable {
        var finishing = false
        var active: [ObjectIdentifier: WatchCall] = [:]
    }

    init(services: [String]) {
        self.services = Set(services)
    }

    /// The status of `service`, nil for a service this server does not know.
    func status(of service: String) -> HealthWire.ServingStatus? {
        guard services.contains(service) else { return nil }
        return serving.load(ordering: .acquiring) ? .serving : .notServing
    }

    /// What a Watch of `service` reports now (Watch reports unknown services, not an error).
    func watchStatus(of service: String) -> HealthWire.ServingStatus {
        status(of: service) ?? .serviceUnknown
    }

    var isServing: Bool { serving.load(ordering: .acquiring) }

    /// Changes the status and tells every watcher.
    func setServing(_ value: Bool) {
        serving.store(value, ordering: .releasing)
        withWatches { registry in
            for watch in registry.active.values { watch.pump(finishing: registry.finishing) }
        }
    }

    /// Reports NOT_SERVING and ends every Watch stream, now and for any that start later.
    func finish() {
        serving.store(false, ordering: .releasing)
        withWatches { registry in
            registry.finishing = true
            for watch in registry.active.values { watch.pump(finishing: true) }
        }
    }

    /// Runs `body` under the lock that guards every Watch stream's state.
    func withWatches<R>(_ body: (inout WatchRegistry) -> R) -> R {
        watches.withLock { body(&$0) }
    }
}
