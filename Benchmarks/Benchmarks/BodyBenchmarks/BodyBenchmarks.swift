import Benchmark
import JSONSchema
import PortcullisModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The example bundle's order schema (`policies/schemas/order.json`), found from this file's path.
let orderSchemaPath: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)   // Benchmarks/Benchmarks/BodyBenchmarks/BodyBenchmarks.swift
    return parts.joined(separator: "/") + "/policies/schemas/order.json"
}()

/// The bytes of a file (no Foundation).
func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

/// The body the example bundle's `create-order` rule validates.
let validOrder = Array(
    #"{"customer":"jane@shop.example","currency":"EUR","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-22","qty":1}]}"#.utf8)

/// An order with seven violations: a bad e-mail, an unknown currency, a bad SKU, qty 0, a fractional qty,
/// an extra item property and an extra top-level property.
let invalidOrder = Array(
    #"{"customer":"jane@@shop","currency":"JPY","items":[{"sku":"sku-1","qty":0},{"sku":"SKU-22","qty":1.5,"gift":true}],"coupon":"X"}"#
        .utf8)

let contentType = "application/json; charset=utf-8"

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 20_000
    )

    let schema = try! JSONSchema(JSONParser().parse(readFile(orderSchemaPath)))
    let limits = JSONParseLimits(maxBytes: 1 << 20, maxDepth: 64)
    guard case .success(let valid) = RequestBody.parse(body: validOrder, contentType: contentType, limits: limits),
        case .success(let invalid) = RequestBody.parse(body: invalidOrder, contentType: contentType, limits: limits)
    else { fatalError("the benchmark bodies must parse") }
    precondition(schema.validate(valid.jsonValue).isEmpty, "the valid order must validate")
    precondition(schema.validate(invalid.jsonValue).count == 7, "the invalid order must have 7 violations")

    Benchmark("body parse: order (RequestBody.parse, application/json; charset=utf-8)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(RequestBody.parse(body: validOrder, contentType: contentType, limits: limits))
        }
    }

    Benchmark("body validate: order against order.json (valid)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(schema.validate(valid.jsonValue, maxViolations: 10)) }
    }

    Benchmark("body validate: invalid order (7 violations)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(schema.validate(invalid.jsonValue, maxViolations: 10)) }
    }

    Benchmark("body parse: order into a tape (ParsedBody.parse, as a decision reads it)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(validOrder.withUnsafeBufferPointer { ParsedBody.parse(body: $0, contentType: contentType, limits: limits) })
        }
    }

    let validTape = try! JSONParser().parseTape(validOrder)
    let invalidTape = try! JSONParser().parseTape(invalidOrder)
    Benchmark("body validate: order tape against order.json (valid)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(schema.validate(validTape, maxViolations: 10)) }
    }

    Benchmark("body validate: invalid order tape (7 violations)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(schema.validate(invalidTape, maxViolations: 10)) }
    }

    Benchmark("body parse + validate: order as a tape (as a decision does)") { benchmark in
        for _ in benchmark.scaledIterations {
            let parsed = validOrder.withUnsafeBufferPointer { ParsedBody.parse(body: $0, contentType: contentType, limits: limits) }
            if case .success(let body) = parsed { blackHole(schema.validate(body.tape, maxViolations: 10)) }
        }
    }

    Benchmark("body parse + validate: order") { benchmark in
        for _ in benchmark.scaledIterations {
            if case .success(let body) = RequestBody.parse(body: validOrder, contentType: contentType, limits: limits) {
                blackHole(schema.validate(body.jsonValue, maxViolations: 10))
            }
        }
    }
}
