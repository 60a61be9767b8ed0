import Testing
@testable import CEL

@Suite struct SupportFunctionTests {
    @Test func pathologicalRegexRunsInLinearTime() throws {
        // A backtracking engine would take exponential time here; the linear engine answers promptly.
        let input = String(repeating: "a", count: 50_000) + "!"
        #expect(try evaluate("s.matches('(a+)+$')", ["s": .string(input)]) == .bool(false))
        #expect(try evaluate("s.matches('(a|aa)*b')", ["s": .string(input)]) == .bool(false))
        #expect(try evaluate("s.matches('^(a*)*!$')", ["s": .string(input)]) == .bool(true))
    }

    @Test func regexPatternFromAVariableIsCompiledAtEvaluation() throws {
        #expect(try evaluate("'abc'.matches(p)", ["p": .string("^a.c$")]) == .bool(true))
        #expect(try evaluate("'abc'.matches(p)", ["p": .string("(")]).isError)
        #expect(try evaluate("'abc'.matches('(')").isError)
        #expect(try evaluate("matches('abc', 'b')") == .bool(true))
    }

    @Test func timestampsAndDurations() throws {
        #expect(try evaluate("timestamp('2024-03-10T12:00:00Z') + duration('1h30m')") == .timestamp(.init(seconds: 1_710_077_400, nanos: 0)))
        #expect(try evaluate("duration('1h') - duration('1.5s')").literal == #"duration("3598.500s")"#
                || evaluate("duration('1h') - duration('1.5s')").literal == #"duration("3598.5s")"#)
        #expect(try evaluate("timestamp('2024-03-10T12:00:00Z').getHours('America/New_York')") == .int(8))
        #expect(try evaluate("timestamp('2024-03-10T12:00:00Z').getDayOfWeek()") == .int(0))
        #expect(try evaluate("timestamp('2024-03-10T12:00:00Z').getHours('Mars/Base')").isError)
        #expect(try evaluate("timestamp('2024-03-10T12:00:00Z') < timestamp('2024-03-10T12:00:01Z')") == .bool(true))
        #expect(try evaluate("string(timestamp(0))") == .string("1970-01-01T00:00:00Z"))
        #expect(try evaluate("timestamp('nonsense')").isError)
    }

    @Test func ipAndCIDR() throws {
        #expect(try evaluate(#"cidr("10.0.0.0/8").containsIP(ip("10.1.2.3"))"#) == .bool(true))
        #expect(try evaluate(#"cidr("10.0.0.0/8").containsIP("11.1.2.3")"#) == .bool(false))
        #expect(try evaluate(#"ip("::1").family() == 6 && ip("127.0.0.1").isLoopback()"#) == .bool(true))
        #expect(try evaluate(#"isIP("1.2.3.4") && !isIP("1.2.3") && isCIDR("::/0")"#) == .bool(true))
        #expect(try evaluate(#"cidr("10.1.2.3/8").masked() == cidr("10.0.0.0/8")"#) == .bool(true))
        #expect(try evaluate(#"cidr("2001:db8::/32").prefixLength()"#) == .int(32))
        #expect(try evaluate(#"string(cidr("192.168.0.0/16").ip())"#) == .string("192.168.0.0"))
        #expect(try evaluate(#"ip("not an ip")"#).isError)
        #expect(try evaluate(#"ip.isCanonical("::1") && !ip.isCanonical("0:0::1")"#) == .bool(true))
        #expect(try evaluate(#"cidr("10.0.0.0/8").containsIP(ip(x))"#, ["x": .string("10.9.9.9")]) == .bool(true))
    }

    @Test func base64() throws {
        #expect(try evaluate("base64.encode(b'hello')") == .string("aGVsbG8="))
        #expect(try evaluate("base64.decode('aGVsbG8=')") == .bytes(Array("hello".utf8)))
        #expect(try evaluate("base64.decode('***')").isError)
    }
}
