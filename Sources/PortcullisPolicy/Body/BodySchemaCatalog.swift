import JSONSchema
import PortcullisModel

/// The body schemas rules name, each read and compiled once when the bundle loads. A schema that is missing, is not
/// JSON, or uses what the compiler does not support is a load error pointing into the schema file (or, for a
/// missing file, at the rule's `body_schema`).
final class BodySchemaCatalog {
    fileprivate let files: BundleFiles
    private let sink: DiagnosticSink
    /// nil: the path was tried and failed (reported once).
    fileprivate var compiled: [String: BodySchema?] = [:]

    init(files: BundleFiles, sink: DiagnosticSink) {
        self.files = files
        self.sink = sink
    }

    func schema(_ reference: Located<String>) -> BodySchema? {
        let path: String
        switch BundlePath.normalize(reference.value) {
        case .success(let p): path = p
        case .failure(let e):
            sink.error("body_schema: \(e.description)", at: reference.location)
            return nil
        }
        if let known = compiled[path] {
            if known == nil { sink.error("body_schema \(String(reflecting: path)) cannot be used (see its errors)", at: reference.location) }
            return known
        }
        let result = compile(path, reference: reference)
        compiled[path] = .some(result)
        return result
    }

    fileprivate func compile(_ path: String, reference: Located<String>?) -> BodySchema? {
        guard let bytes = files[path] else {
            let known = files.paths.filter { $0.hasPrefix("schemas/") }
            let hint = known.isEmpty ? "" : " (schemas in the bundle: \(known.prefix(5).joined(separator: ", ")))"
            let at = reference?.location ?? SourceLocation(file: path, line: 0, column: 0)
            sink.error("body_schema \(String(reflecting: path)) is not a file in the bundle\(hint)", at: at)
            return nil
        }
        let source = SourceFile(path: path, bytes: bytes)
        sink.register(source)
        let locator = JSONPointerLocator(bytes: bytes)
        let document: JSONValue
        do {
            document = try JSONParser().parse(bytes)
        } catch {
            let at = locator.lineColumn(error.offset)
            sink.error("a body schema must be JSON: \(error.description)", at: SourceLocation(file: path, line: at.line, column: at.column))
            return nil
        }
        do {
            return BodySchema(path: path, schema: try JSONSchema(document))
        } catch {
            let at = locator.lineColumn(locator.offset(of: error.pointer))
            let place = error.pointer.isEmpty ? "" : " at \(error.pointer)"
            sink.error("invalid JSON Schema\(place): \(error.message)", at: SourceLocation(file: path, line: at.line, column: at.column))
            return nil
        }
    }
}

extension BodySchemaCatalog {
    /// Compiles every `schemas/**.json` no rule named, so that a broken schema fails the load before a rule uses it.
    func compileUnreferenced() {
        for path in files.paths where path.hasPrefix("schemas/") && path.hasSuffix(".json") && compiled[path] == nil {
            compiled[path] = .some(compile(path, reference: nil))
        }
    }
}
