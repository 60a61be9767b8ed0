import Foundation

/// Reads a bundle from a `.tar.gz` (or plain `.tar`) file. Decompression runs in a `gzip -dc` child process whose
/// output is read with a byte limit; the tar stream is parsed in memory, nothing is written to disk.
enum ArchiveReader {
    static func read(_ path: String, limits: BundleLimits) throws(BundleError) -> BundleFiles {
        let name = (path as NSString).lastPathComponent
        func fail(_ message: String) -> BundleError { BundleError([Diagnostic(file: name, message: message)]) }
        let fm = FileManager.default
        let size = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
        if size < 0 { throw fail("cannot read archive") }
        if size > limits.maxArchiveBytes { throw fail("archive is \(size) bytes, over the limit of \(limits.maxArchiveBytes)") }
        guard let data = fm.contents(atPath: path) else { throw fail("cannot read archive") }
        let raw = [UInt8](data)
        let tarBytes: [UInt8]
        if raw.count >= 2, raw[0] == 0x1f, raw[1] == 0x8b {
            // The tar stream may carry up to maxTotalBytes of content plus headers and padding.
            let limit = limits.maxTotalBytes + (limits.maxFiles + 4) * 1024
            switch Gunzip.decompress(path: path, limit: limit) {
            case .success(let bytes): tarBytes = bytes
            case .failure(let message): throw fail(message)
            }
        } else {
            tarBytes = raw
        }
        let files: BundleFiles
        do {
            files = try TarReader.read(tarBytes, limits: limits)
        } catch {
            throw fail(error.message)
        }
        return stripSingleTopDirectory(files)
    }

    /// `tar czf b.tgz policies` stores `policies/manifest.yaml`: use `policies/` as the root when the archive has
    /// no manifest at its top and every file sits under one directory.
    static func stripSingleTopDirectory(_ files: BundleFiles) -> BundleFiles {
        if files["manifest.yaml"] != nil || files["manifest.yml"] != nil { return files }
        let tops = Set(files.paths.map { $0.split(separator: "/").first.map(String.init) ?? "" })
        guard tops.count == 1, let top = tops.first, files.paths.allSatisfy({ $0.hasPrefix(top + "/") }) else {
            return files
        }
        var stripped = BundleFiles()
        for path in files.paths {
            if let bytes = files[path] { stripped.add(String(path.dropFirst(top.count + 1)), bytes) }
        }
        return stripped
    }
}

/// Runs `gzip -dc` on a file and reads at most `limit` bytes of its output.
enum Gunzip {
    enum Outcome {
        case success([UInt8])
        case failure(String)
    }

    static func decompress(path: String, limit: Int) -> Outcome {
        guard let gzip = ["/usr/bin/gzip", "/bin/gzip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return .failure("gzip is not installed; cannot read a .tar.gz bundle") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", "--", path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure("cannot run gzip: \(error.localizedDescription)")
        }
        var bytes: [UInt8] = []
        var overLimit = false
        let reader = out.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
            if bytes.count > limit {
                overLimit = true
                process.terminate()
                break
            }
        }
        try? reader.close()
        process.waitUntilExit()
        if overLimit { return .failure("archive decompresses to more than \(limit) bytes") }
        if process.terminationStatus != 0 { return .failure("archive is not a valid gzip file") }
        return .success(bytes)
    }
}
