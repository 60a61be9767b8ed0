import CELSupport
import Foundation
import Testing
@testable import CEL

/// Runs google/cel-spec conformance tests converted to JSON (see the folder's README.md for the format).
/// The folder is `$CEL_CONFORMANCE_DIR`, by default `<package root>/../shared/conformance/cel`.
@Suite struct ConformanceTests {
    struct Outcome { var passed = 0, failed = 0, skipped = 0; var failures: [String] = [] }

    static var directory: URL {
        if let env = ProcessInfo.processInfo.environment["CEL_CONFORMANCE_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/cel")
    }

    @Test func conformanceSuitePasses() throws {
        let dir = Self.directory
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(!files.isEmpty, "no *.json conformance files in \(dir.path)")
        var total = Outcome()
        for file in files {
            let data = try Data(contentsOf: dir.appendingPathComponent(file))
            let outcome = try Self.run(file: data)
            print("\(file): cel conformance: \(outcome.passed) passed, \(outcome.failed) failed, \(outcome.skipped) skipped")
            for f in outcome.failures { print("  FAIL \(file) \(f)") }
            total.passed += outcome.passed
            total.failed += outcome.failed
            total.skipped += outcome.skipped
        }
        print("total: cel conformance: \(total.passed) passed, \(total.failed) failed, \(total.skipped) skipped")
        let ran = total.passed + total.failed
        #expect(ran > 0)
        #expect(Double(total.passed) >= 0.95 * Double(ran), "pass rate \(total.passed)/\(ran) is below 95%")
    }

    static func run(file data: Data) throws -> Outcome {
        var outcome = Outcome()
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let tests = root["tests"] as? [[String: Any]] else { return outcome }
        for test in tests {
            let name = "\(test["section"] ?? "")/\(test["name"] ?? "")"
            switch runOne(test) {
            case .pass: outcome.passed += 1
            case .skip: outcome.skipped += 1
            case .fail(let why): outcome.failed += 1; outcome.failures.append("\(name): \(why)")
            }
        }
        return outcome
    }

    enum Result { case pass, skip, fail(String) }

    struct NeedsProtobuf: Error {}

    static func runOne(_ test: [String: Any]) -> Result {
        guard let expr = test["expr"] as? String, let expect = test["expect"] as? [String: Any] else { return .fail("malformed test") }
        if let container = test["container"] as? String, !container.isEmpty { return .skip }
        let disableCheck = test["disable_check"] as? Bool ?? false
        var env = CELEnvironment()
        var bound: [Int: CELValue] = [:]
        do {
            for (name, raw) in test["bindings"] as? [String: Any] ?? [:] {
                guard let obj = raw as? [String: Any] else { return .fail("malformed binding") }
                if obj["binding_error"] != nil || obj["binding_unknown"] != nil { return .skip }
                let value = try decode(obj)
                let slot = env.declare(name, Checker.staticTypeDeep(of: value))
                bound[slot] = value
            }
        } catch is NeedsProtobuf {
            return .skip
        } catch {
            return .fail("bad binding: \(error)")
        }
        let expected: CELValue?
        if let v = expect["value"] as? [String: Any] {
            do { expected = try decode(v) } catch is NeedsProtobuf { return .skip } catch { return .fail("bad expected value: \(error)") }
        } else if expect["error"] != nil {
            expected = nil
        } else {
            return .skip   // unknown / other matchers are not modelled
        }
        let program: CELProgram
        do {
            program = try CELProgram(expr, environment: env, checkTypes: !disableCheck)
        } catch {
            if error.diagnostics.contains(where: { $0.message.contains("message construction") }) { return .skip }
            return expected == nil ? .pass : .fail("compile error: \(error.diagnostics.map(\.message).joined(separator: "; "))")
        }
        let result = program.evaluate(CELDictionaryActivation(bound))
        guard let expected else {
            return result.isError ? .pass : .fail("expected an error, got \(result.literal)")
        }
        return strictlyEqual(result, expected) ? .pass : .fail("expected \(expected.literal), got \(result.literal)")
    }

    static func decode(_ obj: [String: Any]) throws -> CELValue {
        guard let (tag, payload) = obj.first, obj.count == 1 else { throw CELError(message: "bad value \(obj)") }
        switch tag {
        case "null": return .null
        case "bool": return .bool(payload as? Bool ?? false)
        case "int":
            guard let s = payload as? String, let v = Int64(s) else { throw CELError(message: "bad int") }
            return .int(v)
        case "uint":
            guard let s = payload as? String, let v = UInt64(s) else { throw CELError(message: "bad uint") }
            return .uint(v)
        case "double":
            if let s = payload as? String {
                switch s {
                case "NaN": return .double(.nan)
                case "Infinity": return .double(.infinity)
                case "-Infinity": return .double(-.infinity)
                default: guard let d = Double(s) else { throw CELError(message: "bad double") }; return .double(d)
                }
            }
            guard let n = payload as? NSNumber else { throw CELError(message: "bad double") }
            return .double(n.doubleValue)
        case "string": return .string(payload as? String ?? "")
        case "bytes":
            guard let s = payload as? String, let d = Data(base64Encoded: s) else { throw CELError(message: "bad bytes") }
            return .bytes([UInt8](d))
        case "list":
            guard let items = payload as? [[String: Any]] else { throw CELError(message: "bad list") }
            return .list(try items.map(decode))
        case "map":
            guard let pairs = payload as? [[Any]] else { throw CELError(message: "bad map") }
            var entries: [(CELValue, CELValue)] = []
            for p in pairs {
                guard p.count == 2, let k = p[0] as? [String: Any], let v = p[1] as? [String: Any] else { throw CELError(message: "bad map entry") }
                entries.append((try decode(k), try decode(v)))
            }
            return .map(CELMap(entries))
        case "type": return .type(CELTypeName(name: payload as? String ?? ""))
        case "duration":
            guard let s = payload as? String, let d = CivilTime.parseDuration(s) else { throw CELError(message: "bad duration") }
            return .duration(d)
        case "timestamp":
            guard let s = payload as? String, let t = CivilTime.parseTimestamp(s) else { throw CELError(message: "bad timestamp") }
            return .timestamp(t)
        default:
            throw NeedsProtobuf()
        }
    }

    /// Equality for test expectations: same kinds (1 and 1u differ), NaN matches NaN, maps compared without order.
    static func strictlyEqual(_ a: CELValue, _ b: CELValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.uint(let x), .uint(let y)): return x == y
        case (.double(let x), .double(let y)): return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign) || x == y
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { strictlyEqual($0, $1) }
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x.entries {
                guard let w = y[k], strictlyEqual(v, w) else { return false }
            }
            return true
        case (.error, _), (_, .error): return false
        default:
            return a.typeName == b.typeName && a == b
        }
    }
}

extension Checker {
    /// A binding's static type for the checker: scalars exactly, containers with dyn elements.
    static func staticTypeDeep(of v: CELValue) -> CELType {
        switch v {
        case .list: return .list(.dyn)
        case .map: return .map(.dyn, .dyn)
        case .null: return .dyn
        default: return staticType(of: v)
        }
    }
}
