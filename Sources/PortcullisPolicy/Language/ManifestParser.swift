/// Reads `manifest.yaml`: name, revision, optional description and default.
struct ManifestParser {
    let reader: NodeReader

    func manifest(_ documents: [YAMLNode]) -> ManifestSpec {
        var spec = ManifestSpec()
        guard documents.count == 1, let node = documents.first else {
            reader.sink.error("manifest.yaml must hold exactly one YAML document", file: reader.file)
            return spec
        }
        guard
            let fields = reader.fields(
                node, what: "manifest", allowed: ["name", "revision", "description", "default"])
        else { return spec }
        if let n = fields["name"] {
            spec.name = reader.nonEmptyString(n.value, what: "name")?.value ?? ""
        } else {
            reader.sink.error("manifest has no \"name\"", at: reader.location(node))
        }
        if let r = fields["revision"] {
            spec.revision = reader.nonEmptyString(r.value, what: "revision")?.value ?? ""
        } else {
            reader.sink.error("manifest has no \"revision\"", at: reader.location(node))
        }
        if let d = fields["description"] { spec.description = reader.string(d.value, what: "description")?.value ?? "" }
        if let d = fields["default"] { spec.defaultAllow = PolicyParser(reader: reader).defaultAction(d.value) }
        return spec
    }
}
