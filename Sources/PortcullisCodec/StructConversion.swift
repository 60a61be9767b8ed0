import CEnvoyProto
import PortcullisModel

/// `google.protobuf.Struct`/`Value`/`ListValue` to and from `JSONValue`.
enum StructConversion {
    typealias CStruct = Google__Protobuf__Struct
    typealias CValue = Google__Protobuf__Value

    /// A decoded Struct as a JSON object; an absent one is an empty object.
    static func json(_ s: UnsafeMutablePointer<CStruct>?) -> JSONValue {
        guard let s = s?.pointee, s.n_fields > 0, let fields = s.fields else { return .object([:]) }
        var out: [String: JSONValue] = [:]
        out.reserveCapacity(s.n_fields)
        for i in 0..<s.n_fields {
            guard let e = fields[i]?.pointee else { continue }
            out[CheckRequestConversion.string(e.key)] = json(value: e.value)
        }
        return .object(out)
    }

    static func json(value v: UnsafeMutablePointer<CValue>?) -> JSONValue {
        guard let v = v?.pointee else { return .null }
        switch v.kind_case {
        case GOOGLE__PROTOBUF__VALUE__KIND_NUMBER_VALUE: return .number(v.number_value)
        case GOOGLE__PROTOBUF__VALUE__KIND_STRING_VALUE: return .string(CheckRequestConversion.string(v.string_value))
        case GOOGLE__PROTOBUF__VALUE__KIND_BOOL_VALUE: return .bool(v.bool_value != 0)
        case GOOGLE__PROTOBUF__VALUE__KIND_STRUCT_VALUE: return json(v.struct_value)
        case GOOGLE__PROTOBUF__VALUE__KIND_LIST_VALUE:
            guard let l = v.list_value?.pointee, l.n_values > 0, let values = l.values else { return .array([]) }
            var items: [JSONValue] = []
            items.reserveCapacity(l.n_values)
            for i in 0..<l.n_values { items.append(json(value: values[i])) }
            return .array(items)
        default: return .null
        }
    }

    /// Builds a Struct in `arena` from a JSON object's fields (keys sorted, so output is stable).
    static func cStruct(_ fields: [String: JSONValue], _ arena: Arena) -> UnsafeMutablePointer<CStruct> {
        let s = arena.make(CStruct.self)
        google__protobuf__struct__init(s)
        let sorted = fields.count < 2 ? Array(fields) : fields.sorted { $0.key < $1.key }
        s.pointee.n_fields = sorted.count
        let entries = arena.makeArray(UnsafeMutablePointer<Google__Protobuf__Struct__FieldsEntry>?.self, count: sorted.count)
        for (i, field) in sorted.enumerated() {
            let e = arena.make(Google__Protobuf__Struct__FieldsEntry.self)
            google__protobuf__struct__fields_entry__init(e)
            e.pointee.key = arena.cString(field.key)
            e.pointee.value = cValue(field.value, arena)
            entries[i] = e
        }
        s.pointee.fields = entries
        return s
    }

    static func cValue(_ v: JSONValue, _ arena: Arena) -> UnsafeMutablePointer<CValue> {
        let p = arena.make(CValue.self)
        google__protobuf__value__init(p)
        switch v {
        case .null:
            p.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_NULL_VALUE
            p.pointee.null_value = GOOGLE__PROTOBUF__NULL_VALUE__NULL_VALUE
        case .bool(let b):
            p.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_BOOL_VALUE
            p.pointee.bool_value = b ? 1 : 0
        case .number(let d):
            p.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_NUMBER_VALUE
            p.pointee.number_value = d
        case .string(let s):
            p.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_STRING_VALUE
            p.pointee.string_value = arena.cString(s)
        case .object(let fields):
            p.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_STRUCT_VALUE
            p.pointee.struct_value = cStruct(fields, arena)
        case .array(let items):
            p.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_LIST_VALUE
            let l = arena.make(Google__Protobuf__ListValue.self)
            google__protobuf__list_value__init(l)
            l.pointee.n_values = items.count
            let values = arena.makeArray(UnsafeMutablePointer<CValue>?.self, count: items.count)
            for (i, item) in items.enumerated() { values[i] = cValue(item, arena) }
            l.pointee.values = values
            p.pointee.list_value = l
        }
        return p
    }
}
