import PortcullisModel
import Testing

@testable import PortcullisCodec

@Suite struct CheckResponseEncoderTests {
    @Test func allowCarriesEveryField() throws {
        let d = Decision(
            allowed: true,
            headers: [HeaderMutation(name: "x-user", value: "u1"),
                      HeaderMutation(name: "x-trace", value: "t", action: .appendIfExistsOrAdd),
                      HeaderMutation(name: "x-once", value: "o", action: .addIfAbsent),
                      HeaderMutation(name: "x-only", value: "y", action: .overwriteIfExists)],
            headersToRemove: ["authorization", "cookie"],
            responseHeadersToAdd: [HeaderMutation(name: "x-decision", value: "allow")],
            queryParametersToSet: [(key: "tenant", value: "t1"), (key: "a b", value: "c&d")],
            queryParametersToRemove: ["token"],
            body: "ignored on allow",
            dynamicMetadata: ["decision_id": .string("d-1"), "rules": .array([.string("r1")]), "n": .number(3)]
        )
        let v = try CheckResponseView(bytes: CheckResponseEncoder.encode(d))
        #expect(v.grpcCode == 0)
        #expect(v.kind == .ok)
        #expect(v.headers == [
            .init(key: "x-user", value: "u1", appendAction: 2, append: false, keepEmptyValue: false),
            .init(key: "x-trace", value: "t", appendAction: 0, append: true, keepEmptyValue: false),
            .init(key: "x-once", value: "o", appendAction: 1, append: nil, keepEmptyValue: false),
            .init(key: "x-only", value: "y", appendAction: 3, append: nil, keepEmptyValue: false),
        ])
        #expect(v.headersToRemove == ["authorization", "cookie"])
        #expect(v.responseHeadersToAdd == [.init(key: "x-decision", value: "allow", appendAction: 2, append: false, keepEmptyValue: false)])
        #expect(v.queryParametersToSet.map(\.key) == ["tenant", "a b"])
        #expect(v.queryParametersToSet.map(\.value) == ["t1", "c&d"])
        #expect(v.queryParametersToRemove == ["token"])
        #expect(v.body == "")
        #expect(v.dynamicMetadata == .object(["decision_id": .string("d-1"), "rules": .array([.string("r1")]), "n": .number(3)]))
        #expect(v.okDynamicMetadata == nil)
    }

    @Test func plainAllowHasOKStatusAndEmptyOkResponse() throws {
        let v = try CheckResponseView(bytes: CheckResponseEncoder.encode(.allow))
        #expect(v.grpcCode == 0)
        #expect(v.kind == .ok)
        #expect(v.headers.isEmpty)
        #expect(v.dynamicMetadata == nil)
    }

    @Test func denyDefaultsTo403AndPermissionDenied() throws {
        let d = Decision(allowed: false, headers: [HeaderMutation(name: "content-type", value: "text/plain")], body: "forbidden\n")
        let v = try CheckResponseView(bytes: CheckResponseEncoder.encode(d))
        #expect(v.grpcCode == 7)
        #expect(v.kind == .denied)
        #expect(v.httpStatus == 403)
        #expect(v.body == "forbidden\n")
        #expect(v.headers == [.init(key: "content-type", value: "text/plain", appendAction: 2, append: false, keepEmptyValue: false)])
    }

    @Test func unauthenticatedDenyIs401AndUnauthenticated() throws {
        let v = try CheckResponseView(bytes: CheckResponseEncoder.encode(Decision(allowed: false, denialKind: .unauthenticated)))
        #expect(v.grpcCode == 16)
        #expect(v.httpStatus == 401)
    }

    @Test(arguments: [(429, 429), (503, 503), (302, 302), (418, 418), (0, 403), (1000, 403), (-5, 403)])
    func denyStatus(given: Int, sent: Int) throws {
        let v = try CheckResponseView(bytes: CheckResponseEncoder.encode(Decision(allowed: false, httpStatus: given)))
        #expect(v.httpStatus == sent)
        #expect(v.grpcCode == 7)
    }

    @Test func denyCarriesDynamicMetadata() throws {
        let d = Decision(allowed: false, dynamicMetadata: ["why": .object(["rule": .string("r9")])])
        let v = try CheckResponseView(bytes: CheckResponseEncoder.encode(d))
        #expect(v.dynamicMetadata == .object(["why": .object(["rule": .string("r9")])]))
    }

    @Test func exactBytesOfASimpleDeny() {
        // CheckResponse{status(1){code(1):7} denied_response(2){status(1){code(1):403}}}
        #expect(CheckResponseEncoder.encode(.deny) == [0x0A, 0x02, 0x08, 0x07, 0x12, 0x05, 0x0A, 0x03, 0x08, 0x93, 0x03])
    }

    @Test func exactBytesOfAnInjectedHeader() {
        // ok_response(3){headers(2){header(1){key "k" value "v"} append(2){value(1):false} append_action(3):2}}
        // protobuf-c omits the BoolValue's false field, leaving an empty but present message.
        let bytes = CheckResponseEncoder.encode(Decision(allowed: true, headers: [HeaderMutation(name: "k", value: "v")]))
        let header: [UInt8] = [0x0A, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x76]
        let option: [UInt8] = header + [0x12, 0x00, 0x18, 0x02]
        let ok: [UInt8] = [0x12, UInt8(option.count)] + option
        #expect(bytes == [0x0A, 0x00, 0x1A, UInt8(ok.count)] + ok)
    }

    @Test func reusedEncoderGivesTheSameBytes() {
        let encoder = CheckResponseEncoder()
        let d = Decision(allowed: true, headers: (0..<500).map { HeaderMutation(name: "x-\($0)", value: String(repeating: "v", count: 50)) })
        let first = encoder.encode(d)
        for _ in 0..<3 {
            #expect(encoder.encode(.deny) == CheckResponseEncoder.encode(.deny))
            #expect(encoder.encode(d) == first)
        }
    }

    @Test func malformedResponseBytesThrow() {
        #expect(throws: CodecError.self) { try CheckResponseView(bytes: [0x0A, 0x09]) }
    }
}

@Suite struct WorkerCodecsTests {
    @Test func decodesAndEncodesPerWorkerConcurrently() async throws {
        let codecs = WorkerCodecs(workers: 4)
        let req = CheckRequestDecoderTests.fullRequest(headers: CheckRequestDecoderTests.headers)
        let bytes = CheckRequestEncoder.encode(req)
        let expected = CheckResponseEncoder.encode(Decision(allowed: true, headers: [HeaderMutation(name: "x", value: "1")]))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for w in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let r = try codecs.decode(bytes: bytes, worker: w)
                        guard r.sni == "api.example.com", r.http?.headers.count == 5 else { return false }
                        let out = codecs.encode(Decision(allowed: true, headers: [HeaderMutation(name: "x", value: "1")]), worker: w)
                        guard out == expected else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
        // An out-of-range index still works.
        #expect(try codecs.decode(bytes: bytes, worker: 99).sni == "api.example.com")
    }

    @Test func decodesFromARawSpan() throws {
        let bytes = CheckRequestEncoder.encode(CheckRequestDecoderTests.fullRequest(headers: CheckRequestDecoderTests.headers))
        let codecs = WorkerCodecs(workers: 1)
        let r = try bytes.withUnsafeBytes { buf in try codecs.decode(buf.bytes, worker: 0) }
        #expect(r.http?.method == "POST")
        #expect(throws: CodecError.self) {
            try [UInt8]([0x0A, 0x05]).withUnsafeBytes { buf in try codecs.decode(buf.bytes, worker: 0) }
        }
    }
}
