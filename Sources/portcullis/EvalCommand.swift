import ArgumentParser
import CEL
import Foundation

/// `portcullis eval 'EXPR' [--input FILE.json] [--var NAME=JSON ...]`: evaluates one CEL expression.
/// Exit status: 0 with a value, 1 on an evaluation error, 2 on a parse or check error (or bad input).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a CEL expression and print the result in CEL literal syntax."
    )

    @Argument(help: "The CEL expression.")
    var expression: String

    @Option(name: .long, help: "A JSON object file whose top-level keys become variables.")
    var input: String?

    @Option(name: .customLong("var"), help: "Bind one variable: NAME=JSON (repeatable).")
    var vars: [String] = []

    func run() throws {
        var bindings: [(String, CELValue)] = []
        do {
            if let input {
                let text = try String(contentsOfFile: input, encoding: .utf8)
                guard case .map(let m) = try CELValue.fromJSON(text) else {
                    throw ValidationError("--input must hold a JSON object")
                }
                for (k, v) in m.entries { if case .string(let name) = k { bindings.append((name, v)) } }
            }
            for binding in vars {
                guard let eq = binding.firstIndex(of: "=") else { throw ValidationError("--var expects NAME=JSON, got '\(binding)'") }
                let name = String(binding[..<eq])
                bindings.append((name, try CELValue.fromJSON(String(binding[binding.index(after: eq)...]))))
            }
        } catch let e as CELValue.JSONError {
            printError("error: \(e)")
            throw ExitCode(2)
        } catch let e as ValidationError {
            printError("error: \(e.message)")
            throw ExitCode(2)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        var env = CELEnvironment()
        var values: [Int: CELValue] = [:]
        for (name, value) in bindings {
            values[env.declare(name, Self.type(of: value))] = value
        }
        let program: CELProgram
        do {
            program = try CELProgram(expression, environment: env)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let result = program.evaluate(CELDictionaryActivation(values))
        if case .error(let e) = result {
            printError("evaluation error: " + program.describe(e))
            throw ExitCode(1)
        }
        print(result.literal)
    }

    static func type(of v: CELValue) -> CELType {
        switch v {
        case .bool: return .bool
        case .int: return .int
        case .double: return .double
        case .string: return .string
        default: return .dyn
        }
    }

    func printError(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
