/// A strict in-memory reader for ustar/pax/GNU tar streams: regular files and directories only.
enum TarReader {
    struct Failure: Error {
        let message: String
    }

    static func read(_ bytes: [UInt8], limits: BundleLimits) throws(Failure) -> BundleFiles {
        var files = BundleFiles()
        var offset = 0
        var pendingName: String?   // from a pax `path=` record or a GNU long name
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<offset + 512]
            if header.allSatisfy({ $0 == 0 }) { return files }
            guard checksumOK(header) else { throw Failure(message: "tar header at offset \(offset) has a bad checksum") }
            let type = header[header.startIndex + 156]
            guard let size = octal(header, 124, 12), size >= 0 else {
                throw Failure(message: "tar header at offset \(offset) has a bad size")
            }
            let dataStart = offset + 512
            let padded = (size + 511) / 512 * 512
            guard dataStart + size <= bytes.count else { throw Failure(message: "tar archive is truncated") }
            let content = Array(bytes[dataStart..<dataStart + size])
            offset = dataStart + padded
            var name = pendingName ?? headerName(header)
            switch type {
            case UInt8(ascii: "x"):
                pendingName = paxPath(content)
                continue
            case UInt8(ascii: "g"):
                continue
            case UInt8(ascii: "L"):
                pendingName = String(decoding: content.prefix { $0 != 0 }, as: UTF8.self)
                continue
            default:
                pendingName = nil
            }
            if name.hasPrefix("./") { name.removeFirst(2) }
            switch type {
            case UInt8(ascii: "5"):
                continue
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                let path: String
                switch BundlePath.normalize(name) {
                case .success(let p): path = p
                case .failure(let e): throw Failure(message: e.description)
                }
                if BundlePath.isHidden(path) { continue }
                if path.split(separator: "/").count > limits.maxDepth + 1 {
                    throw Failure(message: "\(path): nested deeper than \(limits.maxDepth) levels")
                }
                if files.files.count >= limits.maxFiles {
                    throw Failure(message: "archive has more than \(limits.maxFiles) files")
                }
                if size > limits.maxFileBytes {
                    throw Failure(message: "\(path): \(size) bytes, over the limit of \(limits.maxFileBytes)")
                }
                if files.totalBytes + size > limits.maxTotalBytes {
                    throw Failure(message: "archive content is over the limit of \(limits.maxTotalBytes) bytes")
                }
                if files[path] != nil { throw Failure(message: "\(path) appears twice in the archive") }
                files.add(path, content)
            case UInt8(ascii: "1"), UInt8(ascii: "2"):
                throw Failure(message: "\(name): links are not allowed in a bundle")
            default:
                throw Failure(message: "\(name): only regular files and directories are allowed in a bundle")
            }
        }
        if offset == bytes.count, offset > 0 { return files }
        throw Failure(message: offset == 0 ? "archive is empty" : "tar archive is truncated")
    }

    private static func field(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> ArraySlice<UInt8> {
        let from = header.startIndex + start
        return header[from..<from + length]
    }

    private static func string(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> String {
        String(decoding: field(header, start, length).prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func headerName(_ header: ArraySlice<UInt8>) -> String {
        let name = string(header, 0, 100)
        let magic = string(header, 257, 5)
        let prefix = magic == "ustar" ? string(header, 345, 155) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    private static func octal(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        var seen = false
        for byte in field(header, start, length) {
            if byte == 0 || byte == UInt8(ascii: " ") {
                if seen { break } else { continue }
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else { return nil }
            seen = true
            value = value * 8 + Int(byte - UInt8(ascii: "0"))
            if value > 1 << 40 { return nil }
        }
        return value
    }

    private static func checksumOK(_ header: ArraySlice<UInt8>) -> Bool {
        guard let stored = octal(header, 148, 8) else { return false }
        var sum = 0
        for (i, byte) in header.enumerated() {
            sum += (i >= 148 && i < 156) ? 32 : Int(byte)
        }
        return sum == stored
    }

    /// The `path` record of a pax extended header: records are `"<len> key=value\n"`.
    private static func paxPath(_ content: [UInt8]) -> String? {
        var i = 0
        var result: String?
        while i < content.count {
            var len = 0
            var j = i
            while j < content.count, content[j] >= UInt8(ascii: "0"), content[j] <= UInt8(ascii: "9"), len < 1 << 20 {
                len = len * 10 + Int(content[j] - UInt8(ascii: "0"))
                j += 1
            }
            guard len > 0, i + len <= content.count, j < content.count, content[j] == UInt8(ascii: " ") else { break }
            let record = String(decoding: content[(j + 1)..<(i + len)], as: UTF8.self)
            if record.hasPrefix("path=") {
                result = String(record.dropFirst(5).dropLast(record.hasSuffix("\n") ? 1 : 0))
            }
            i += len
        }
        return result
    }
}
