import CEnvoyProto
import Testing
@testable import PortcullisCodec

@Suite struct NestingGuardTests {
    func has(_ types: NestingGuard.UnboundedTypes, _ d: ProtobufCMessageDescriptor) -> Bool {
        types.names.contains(String(cString: d.name))
    }

    @Test func walksOnlyTypesThatCanNestWithoutBound() {
        let t = NestingGuard.checkRequestTypes
        // The cycle (Value → Struct → Value, Value → ListValue → Value) and what leads to it.
        #expect(has(t, google__protobuf__value__descriptor))
        #expect(has(t, google__protobuf__struct__descriptor))
        #expect(has(t, google__protobuf__list_value__descriptor))
        #expect(has(t, envoy__config__core__v3__metadata__descriptor))
        #expect(has(t, envoy__service__auth__v3__attribute_context__descriptor))
        #expect(has(t, envoy__service__auth__v3__check_request__descriptor))
        // Bounded by the schema: skipped by length, not walked.
        #expect(!has(t, envoy__service__auth__v3__attribute_context__http_request__descriptor))
        #expect(!has(t, envoy__service__auth__v3__attribute_context__peer__descriptor))
        #expect(!has(t, envoy__config__core__v3__address__descriptor))
        #expect(!has(t, google__protobuf__timestamp__descriptor))
    }

    @Test func deepMetadataIsStillRefusedAndShallowAccepted() {
        // metadata_context(11) { filter_metadata(1) { key(1) "k", value(2) Struct { fields(1) { key "a", value(2) Value {
        //   struct_value(5) Struct { ... } } } } } }, nested `levels` times.
        func ld(_ field: UInt8, _ payload: [UInt8]) -> [UInt8] {
            var out: [UInt8] = [field << 3 | 2]
            var n = payload.count
            repeat {
                out.append(UInt8(n & 0x7F) | (n > 0x7F ? 0x80 : 0))
                n >>= 7
            } while n > 0
            return out + payload
        }
        func request(levels: Int) -> [UInt8] {
            var value: [UInt8] = []  // an empty Value
            for _ in 0..<levels {
                let structure = ld(1, ld(1, Array("a".utf8)) + ld(2, value))  // Struct{fields{a: value}}
                value = ld(5, structure)  // Value{struct_value}
            }
            let entry = ld(1, Array("k".utf8)) + ld(2, ld(1, ld(1, Array("a".utf8)) + ld(2, value)))
            return ld(1, ld(11, ld(1, entry)))
        }
        let decoder = CheckRequestDecoder()
        #expect((try? decoder.decode(bytes: request(levels: 5))) != nil)
        #expect(throws: CodecError.self) { try decoder.decode(bytes: request(levels: 200)) }
        do {
            _ = try decoder.decode(bytes: request(levels: 200))
        } catch {
            guard case .tooDeep = error else { Issue.record("expected tooDeep, got \(error)"); return }
        }
    }
}
