/// Simple case-folding orbits (e.g. k, K and U+212A KELVIN SIGN), built once from the Unicode
/// case mappings of the standard library.
enum CaseFolding {
    /// Every scalar that has case variants, with the other members of its orbit (sorted by scalar).
    static let orbitMembers: [(UInt32, [UInt32])] = build()

    private static let orbitByScalar: [UInt32: [UInt32]] = {
        var table: [UInt32: [UInt32]] = [:]
        for (scalar, others) in orbitMembers { table[scalar] = others }
        return table
    }()

    /// The other members of `c`'s orbit (empty when it has no case variants).
    static func variants(of c: UInt32) -> [UInt32] {
        if c < 0x80 {
            if c >= 0x41 && c <= 0x5A { return c == 0x4B ? [0x6B, 0x212A] : (c == 0x53 ? [0x73, 0x17F] : [c + 0x20]) }
            if c >= 0x61 && c <= 0x7A { return c == 0x6B ? [0x4B, 0x212A] : (c == 0x73 ? [0x53, 0x17F] : [c - 0x20]) }
            return []
        }
        return orbitByScalar[c] ?? []
    }

    private static func singleScalar(_ s: String) -> UInt32? {
        var it = s.unicodeScalars.makeIterator()
        guard let first = it.next(), it.next() == nil else { return nil }
        return first.value
    }

    private static func build() -> [(UInt32, [UInt32])] {
        var parent: [UInt32: UInt32] = [:]
        func find(_ x: UInt32) -> UInt32 {
            var x = x
            while let p = parent[x], p != x { x = p }
            return x
        }
        func union(_ a: UInt32, _ b: UInt32) {
            if parent[a] == nil { parent[a] = a }
            if parent[b] == nil { parent[b] = b }
            let ra = find(a)
            let rb = find(b)
            if ra != rb { parent[ra] = rb }
        }
        for v in UInt32(0)...0x1FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let props = scalar.properties
            guard props.changesWhenCaseMapped else { continue }
            for mapped in [props.lowercaseMapping, props.uppercaseMapping, props.titlecaseMapping] {
                if let m = singleScalar(mapped), m != v { union(v, m) }
            }
        }
        var groups: [UInt32: [UInt32]] = [:]
        for key in parent.keys { groups[find(key), default: []].append(key) }
        var out: [(UInt32, [UInt32])] = []
        for members in groups.values where members.count > 1 {
            for m in members { out.append((m, members.filter { $0 != m }.sorted())) }
        }
        out.sort { $0.0 < $1.0 }
        return out
    }
}
