#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM, received synchronously. Call `block()` before the first
/// `GRPCServer` is made: the C core's threads inherit the signal mask of the thread that
/// starts them, and a signal must reach only `wait()`.
public enum TerminationSignals {
    public static func block() {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for SIGINT or SIGTERM and returns its number.
    public static func wait() -> Int32 {
        var set = signalSet()
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }
}
