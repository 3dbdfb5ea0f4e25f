import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A test-only switch that kills the process with SIGKILL at a named step, so the tests can
/// prove that every step is recoverable.
///
/// Set `PRENUM_FAULT_STEP` to a step name (and optionally `PRENUM_FAULT_SUBSCRIBER` to a
/// subscriber id, `PRENUM_FAULT_HIT` to the n-th time the step is reached). Only a debug build
/// has the switch: there it reads them and, unset, costs one comparison per step. A release
/// build compiles none of it (no variable read, no kill; `reach` is an inlined no-op), so a
/// stray variable in production cannot kill a run.
public struct FaultInjector: Sendable {
    /// Every step at which a fault can be injected, in the order a run reaches them.
    enum Step: String, CaseIterable, Sendable {
        case importBeforeCommit = "import.before-commit"
        case importAfterCommit = "import.after-commit"
        case snapshotBeforeCommit = "snapshot.before-commit"
        case snapshotAfterCommit = "snapshot.after-commit"
        case deliverAfterWrite = "deliver.after-write"
        case deliverAfterSign = "deliver.after-sign"
        case deliverAfterHold = "deliver.after-hold"
        case deliverAfterStage = "deliver.after-stage"
        case deliverAfterArchive = "deliver.after-archive"
        case deliverAfterSignatureRename = "deliver.after-signature-rename"
        case deliverAfterDataRename = "deliver.after-data-rename"
        case deliverAfterPublish = "deliver.after-publish"
        case runBeforeComplete = "run.before-complete"
        case compactBeforeCommit = "compact.before-commit"
        // `prenum recover`'s steps (not reached by a run).
        case recoverBeforeInstall = "recover.before-install"
        case recoverAfterOutboxes = "recover.after-outboxes"
        case recoverAfterMoveAside = "recover.after-move-aside"
        case releaseAfterStage = "release.after-stage"
        case releaseAfterPublish = "release.after-publish"
        case discardAfterCommit = "discard.after-commit"
    }

    /// True in a debug build, the one the crash tests drive; a release build has no faults.
    static let isCompiledIn: Bool = {
        #if DEBUG
            return true
        #else
            return false
        #endif
    }()

    #if DEBUG
        let step: String?
        let subscriber: String?
        let hit: Int
        private let counter = Counter()

        private final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
            func next() -> Int {
                lock.lock()
                defer { lock.unlock() }
                count += 1
                return count
            }
        }

        public static let none = FaultInjector(step: nil, subscriber: nil, hit: 1)

        /// The switch `environment` (the executable's `PRENUM_FAULT_*` variables) asks for.
        public static func fromEnvironment(_ environment: [String: String]) -> FaultInjector {
            parsing(environment)
        }

        static func parsing(_ environment: [String: String]) -> FaultInjector {
            FaultInjector(
                step: environment["PRENUM_FAULT_STEP"], subscriber: environment["PRENUM_FAULT_SUBSCRIBER"],
                hit: environment["PRENUM_FAULT_HIT"].flatMap(Int.init) ?? 1)
        }

        /// Dies here if this is the configured step.
        func reach(_ reached: Step, subscriber reachedSubscriber: String? = nil) {
            guard let step, step == reached.rawValue else { return }
            if let subscriber, subscriber != reachedSubscriber { return }
            guard counter.next() == hit else { return }
            FileHandle.standardError.write(Data("prenum: fault injected at \(step)\n".utf8))
            kill(getpid(), SIGKILL)
        }
    #else
        // A release build: no stored switch, no environment read, no crash path; every step is a no-op.
        var step: String? { nil }
        var subscriber: String? { nil }
        var hit: Int { 1 }

        public static let none = FaultInjector()

        /// `.none` whatever `environment` holds: a release build ignores `PRENUM_FAULT_*`.
        public static func fromEnvironment(_ environment: [String: String]) -> FaultInjector { .none }

        /// Nothing: a release build has no fault steps.
        @inline(__always)
        func reach(_ reached: Step, subscriber reachedSubscriber: String? = nil) {}
    #endif
}
