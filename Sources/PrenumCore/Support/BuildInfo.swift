/// What `prenum --version` and the `prenum_build_info` metric say, so that an operator (and an
/// alert) can tell which build made a night's files. The Debian package takes its version from
/// here (scripts/package-deb.sh), so there is one place to raise it.
public enum BuildInfo {
    public static let version = "0.13.0"

    /// `release` or `debug`: a debug build in production is worth noticing.
    public static var configuration: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }

    /// The Swift compiler the binary was built with, to the minor version.
    static var swiftVersion: String {
        #if compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #elseif compiler(>=6.1)
            "6.1"
        #else
            "6.0"
        #endif
    }

    /// The delivery format versions this build can write.
    static var formatVersions: String {
        FormatVersion.allCases.map { String($0.rawValue) }.joined(separator: ",")
    }

    /// One line: `prenum 0.13.0 (release, Swift 6.1, delivery formats 1,2)`.
    public static var line: String {
        "prenum \(version) (\(configuration), Swift \(swiftVersion), delivery formats \(formatVersions))"
    }
}
