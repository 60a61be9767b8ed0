import Testing
@testable import CELSupport

@Test(arguments: [
    ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"), ("hello", "aGVsbG8="),
])
func roundTripsRFC4648Vectors(_ plain: String, _ encoded: String) {
    #expect(Base64.encode(Array(plain.utf8)) == encoded)
    #expect(Base64.decode(encoded) == Array(plain.utf8))
}

@Test func encodesAllByteValues() {
    let bytes = (0...255).map { UInt8($0) }
    let text = Base64.encode(bytes)
    #expect(text.hasSuffix("+/w=="))
    #expect(Base64.decode(text) == bytes)
    #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
}

@Test func acceptsMissingPadding() {
    #expect(Base64.decode("aGVsbG8") == Array("hello".utf8))
    #expect(Base64.decode("Zg") == [0x66])
}

@Test(arguments: ["a", "Zg=", "Z===", "====", "Zm9v!", "Zm 9v", "Zm9v\n", "Zg==Zg==", "=Zm9", "Zm-_", "aGVsbG8=="])
func rejectsBadInput(_ text: String) {
    #expect(Base64.decode(text) == nil)
}
