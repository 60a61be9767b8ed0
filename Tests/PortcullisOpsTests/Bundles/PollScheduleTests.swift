import Testing
@testable import PortcullisOps

func abs(_ d: Duration) -> Duration { d < .zero ? .zero - d : d }

@Suite struct PollScheduleTests {
    let s = PollSchedule(interval: .seconds(30), jitter: 0.2, initialBackoff: .seconds(1), maxBackoff: .seconds(60))

    @Test func backoffDoublesUpToTheCap() {
        #expect(s.baseDelay(consecutiveFailures: 0) == .seconds(30))
        #expect(s.baseDelay(consecutiveFailures: 1) == .seconds(1))
        #expect(s.baseDelay(consecutiveFailures: 2) == .seconds(2))
        #expect(s.baseDelay(consecutiveFailures: 5) == .seconds(16))
        #expect(s.baseDelay(consecutiveFailures: 7) == .seconds(60))
        #expect(s.baseDelay(consecutiveFailures: 500) == .seconds(60))
    }

    @Test func jitterSpreadsAroundTheBase() {
        #expect(s.delay(consecutiveFailures: 0, unit: 0) == .seconds(24))
        #expect(s.delay(consecutiveFailures: 0, unit: 0.5) == .seconds(30))
        #expect(abs(s.delay(consecutiveFailures: 0, unit: 0.75) - .seconds(33)) < .milliseconds(1))
        for _ in 0..<100 {
            let d = s.delay(consecutiveFailures: 0)
            #expect(d >= .seconds(24) && d <= .seconds(36))
        }
    }

    @Test func jitterIsClamped() {
        #expect(PollSchedule(jitter: 7).jitter == 1)
        #expect(PollSchedule(jitter: -1).jitter == 0)
    }
}
