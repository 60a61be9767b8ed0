import Foundation

/// Reads a bundle directory, refusing symbolic links, special files and anything over the limits.
enum DirectoryReader {
    static func read(_ root: String, limits: BundleLimits) throws(BundleError) -> BundleFiles {
        var files = BundleFiles()
        var problems: [Diagnostic] = []
        let fm = FileManager.default
        var stack: [(relative: String, depth: Int)] = [("", 0)]
        while let (relative, depth) = stack.popLast() {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            let names: [String]
            do {
                names = try fm.contentsOfDirectory(atPath: absolute).sorted()
            } catch {
                problems.append(Diagnostic(file: relative, message: "cannot read directory: \(error.localizedDescription)"))
                continue
            }
            for name in names where !name.hasPrefix(".") {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let path = absolute + "/" + name
                guard let type = try? fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType else {
                    problems.append(Diagnostic(file: rel, message: "cannot read file attributes"))
                    continue
                }
                switch type {
                case .typeDirectory:
                    if depth + 1 > limits.maxDepth {
                        problems.append(Diagnostic(file: rel, message: "directory nested deeper than \(limits.maxDepth) levels"))
                    } else {
                        stack.append((rel, depth + 1))
                    }
                case .typeRegular:
                    if files.files.count >= limits.maxFiles {
                        throw BundleError(problems + [Diagnostic(file: "", message: "bundle has more than \(limits.maxFiles) files")])
                    }
                    let size = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
                    if size > limits.maxFileBytes {
                        problems.append(Diagnostic(file: rel, message: "file is \(size) bytes, over the limit of \(limits.maxFileBytes)"))
                        continue
                    }
                    if files.totalBytes + size > limits.maxTotalBytes {
                        throw BundleError(problems + [Diagnostic(file: "", message: "bundle is over the limit of \(limits.maxTotalBytes) bytes")])
                    }
                    guard let data = fm.contents(atPath: path) else {
                        problems.append(Diagnostic(file: rel, message: "cannot read file"))
                        continue
                    }
                    if data.count > limits.maxFileBytes {
                        problems.append(Diagnostic(file: rel, message: "file is over the limit of \(limits.maxFileBytes) bytes"))
                        continue
                    }
                    files.add(rel, [UInt8](data))
                case .typeSymbolicLink:
                    problems.append(Diagnostic(file: rel, message: "symbolic links are not allowed in a bundle"))
                default:
                    problems.append(Diagnostic(file: rel, message: "only regular files and directories are allowed in a bundle"))
                }
            }
        }
        if !problems.isEmpty { throw BundleError(problems) }
        return files
    }
}
