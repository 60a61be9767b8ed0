import Testing
@testable import LinearRegex

// Behaviour on inputs that make backtracking engines take exponential time: these must complete and
// give the right answer. (Timing is measured by benchmarks, not tests.)

@Test func nestedPlusOverLongInputCompletes() throws {
    let regex = try LinearRegex("(a+)+$")
    let input = String(repeating: "a", count: 100_000) + "!"
    #expect(!regex.wholeMatch(input))
    #expect(!regex.search(input))
    #expect(regex.search(String(repeating: "a", count: 100_000)))
}

@Test func ambiguousAlternationOverLongInputCompletes() throws {
    let regex = try LinearRegex("(a|aa)*b")
    let input = String(repeating: "a", count: 100_000)
    #expect(!regex.search(input))
    #expect(!regex.wholeMatch(input))
    #expect(regex.wholeMatch(input + "b"))
}

@Test func nfaFallbackHandlesPathologicalInput() throws {
    let regex = try LinearRegex("(a|aa)*b")
    let machine = RegexMachine(program: regex.program)
    let input = String(repeating: "a", count: 100_000)
    #expect(!machine.run(input, search: true))
    #expect(machine.run(input + "b", search: false))
}

@Test func exponentialDFAFallsBackToNFA() throws {
    // (a|b)*a(a|b){12} needs 2^13 DFA states: above the budget, so the NFA simulation answers.
    let regex = try LinearRegex("(a|b)*a(a|b){12}$")
    #expect(regex.searchDFA == nil)
    let hit = String(repeating: "b", count: 1000) + "a" + String(repeating: "b", count: 12)
    let miss = String(repeating: "b", count: 1000) + "a" + String(repeating: "b", count: 13)
    #expect(regex.search(hit))
    #expect(!regex.search(miss))
    #expect(regex.wholeMatch(hit))
}

@Test func typicalPatternsBuildADFA() throws {
    let regex = try LinearRegex("^Bearer [A-Za-z0-9._~+/-]+=*$")
    #expect(regex.searchDFA != nil)
    #expect(regex.wholeDFA != nil)
    #expect(regex.search("Bearer abc.def-ghi"))
    #expect(!regex.search("Bearer abc def"))
}

@Test func sharedAcrossConcurrentTasks() async throws {
    let regex = try LinearRegex("^/orders/[0-9]+$")
    let results = await withTaskGroup(of: Bool.self) { group in
        for i in 0..<64 {
            group.addTask { regex.search("/orders/\(i)") && !regex.search("/orders/x\(i)") && regex.wholeMatch("/orders/\(i)") }
        }
        var all: [Bool] = []
        for await r in group { all.append(r) }
        return all
    }
    #expect(results.count == 64)
    #expect(results.allSatisfy { $0 })
}
