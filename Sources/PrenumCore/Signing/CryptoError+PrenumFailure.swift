import PrenumCrypto

/// PrenumCrypto cannot see PrenumFailure, so the exit codes for its errors are decided here:
/// anything wrong with a key file is the operator's configuration (78); a file that cannot be
/// written is 73.
extension CryptoError: PrenumFailure {
    public var exitCode: ExitCode {
        switch kind {
        case .keyFileMissing, .keyFileUnreadable, .keyFileInsecure, .notAKey, .wrongKeyType:
            return .configuration
        case .outputExists, .outputUnwritable, .openssl:
            return .cannotCreate
        case .inputUnreadable:
            return .noInput
        case .badSignature:
            return .dataError
        }
    }
}
