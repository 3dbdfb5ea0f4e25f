import Foundation

/// Resolving configured paths and checking, without creating anything, that they can be used.
enum ConfigurationPath {
    /// `path` made absolute against `folder` and normalised lexically (`.` and `..` removed),
    /// so a path means the same thing whatever the working directory.
    static func resolve(_ path: String, against folder: String) -> String {
        let joined = path.hasPrefix("/") ? path : folder + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The working directory, for resolving a relative configuration path.
    static var currentDirectory: String { FileManager.default.currentDirectoryPath }

    enum Entry { case missing, directory, file, other }

    static func entry(at path: String) -> Entry {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// The nearest folder at or above `path` that exists, or nil when an ancestor is not a folder.
    static func nearestExistingFolder(above path: String) -> String? {
        var current = (path as NSString).deletingLastPathComponent
        while true {
            switch entry(at: current) {
            case .directory: return current
            case .missing:
                if current == "/" || current.isEmpty { return nil }
                current = (current as NSString).deletingLastPathComponent
            case .file, .other: return nil
            }
        }
    }

    /// Why a folder that will be created when needed cannot be, or nil.
    static func folderProblem(_ path: String) -> String? {
        switch entry(at: path) {
        case .directory: return nil
        case .file, .other: return "exists and is not a folder"
        case .missing:
            guard let ancestor = nearestExistingFolder(above: path) else { return "cannot be created: a parent is not a folder" }
            return access(ancestor, W_OK | X_OK) == 0 ? nil : "cannot be created: \(ancestor) is not writable"
        }
    }

    /// Why a file that Prenum creates and writes (the state database) cannot be, or nil.
    static func writableFileProblem(_ path: String) -> String? {
        switch entry(at: path) {
        case .directory, .other: return "exists and is not a regular file"
        case .file, .missing: break
        }
        let parent = (path as NSString).deletingLastPathComponent
        switch entry(at: parent) {
        case .directory:
            return access(parent, W_OK | X_OK) == 0 ? nil : "its folder \(parent) is not writable"
        case .file, .other:
            return "its folder \(parent) is not a folder"
        case .missing:
            return folderProblem(parent).map { "its folder \(parent) \($0)" }
        }
    }

    /// Why an input file that may be missing at load time (the register, the key) is unusable, or nil.
    static func inputFileProblem(_ path: String) -> String? {
        switch entry(at: path) {
        case .directory: return "is a folder, not a file"
        case .other: return "is not a regular file"
        case .file, .missing: return nil
        }
    }
}
