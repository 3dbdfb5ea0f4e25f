import Foundation
import PrenumCore

/// A scratch installation, made once per process: the files a configuration points at exist,
/// so the fuzzer reaches the deep validation (subscribers, categories, benefits) too.
let workspace: String = {
    let root = NSTemporaryDirectory() + "prenum-fuzz-config-\(getpid())"
    for folder in ["config", "inbox", "outbox", "archive", "keys"] {
        try? FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
    }
    _ = FileManager.default.createFile(atPath: root + "/register.db", contents: Data())
    _ = FileManager.default.createFile(atPath: root + "/keys/private.pem", contents: Data(), attributes: [.posixPermissions: 0o600])
    atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "prenum-fuzz-config-\(getpid())") }
    return root
}()

let defaultCategories = Data("""
    {"insurance": ["SJP", "FP", "TFP", "SA", "AE"], "municipality": ["SJP", "FP", "BOB"],
     "enforcement": ["SJP"], "pension": ["SA", "AE"], "agency": ["SJP", "BB"]}
    """.utf8)

/// libFuzzer entry: the bytes up to the first NUL are `prenum.json`, the rest (if any) is
/// `categories.json`. The loader must return a configuration or throw a `PrenumFailure` with
/// a message that names a file; nothing may crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0)
    let config = Data(bytes[..<(split ?? bytes.count)])
    let categories = split.map { Data(bytes[($0 + 1)...]) } ?? defaultCategories
    let configPath = workspace + "/config/prenum.json"
    do {
        try config.write(to: URL(fileURLWithPath: configPath))
        try categories.write(to: URL(fileURLWithPath: workspace + "/config/categories.json"))
    } catch {
        preconditionFailure("cannot write the scratch files: \(error)")
    }
    do {
        let loaded = try ConfigurationLoader.load(path: configPath)
        for subscriber in loaded.subscribers {
            precondition(!subscriber.benefits.isEmpty, "a subscriber without benefits accepted")
            let permitted = loaded.categories[subscriber.category.rawValue] ?? []
            for benefit in subscriber.benefits {
                precondition(permitted.contains(benefit), "a benefit outside the category accepted")
            }
        }
    } catch let error as ConfigurationError {
        precondition(!error.problems.isEmpty, "a configuration error without a problem")
        for problem in error.problems {
            precondition(!problem.file.isEmpty && !problem.field.isEmpty && !problem.expected.isEmpty,
                         "a problem without file, field or expectation: file '\(problem.file)' field '\(problem.field)' expected '\(problem.expected)'")
        }
    } catch let failure as any PrenumFailure {
        precondition(!failure.description.isEmpty, "a failure without a message")
    } catch {
        preconditionFailure("an error that is not a PrenumFailure: \(error)")
    }
    return 0
}
