import PrenumCore

/// `prenum release`: publish a file the brake on mass removals held, as made.
struct ReleaseCommand: Command {
    static let words = ["release"]
    static let abstract = "publish the file the brake on mass removals held for a subscriber, byte for byte as made"
    static let discussion = """
        A run holds a subscriber's file instead of publishing it when the file would take away more
        than brakeRemovalPercent (default 25) % of the records the recipient holds for reasons from
        the register (docs/OPERATIONS.md). Once the operator has confirmed upstream that the removals
        are real, this publishes the held file as it was made (same sequence, same bytes, after
        checking them against the hashes recorded when it was made) and archives it; the subscriber's
        next run continues the chain from it (a FULL when runs passed meanwhile). Takes the run lock
        (exit 75 while a run is going). Exit 64 when the subscriber has no held file.
        """
    @Option(.config) var config: String
    @Option(.subscriber) var subscriber: String

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        if case .released(let delivery) = try HeldFileDecision.release(
            configuration: configuration, subscriber: subscriber,
            log: environment.log, faults: environment.faults)
        {
            print("released \(delivery.fileName) to \(subscriber): published as made (sequence \(delivery.sequence))")
        }
        return .ok
    }
}

/// `prenum discard`: drop a held file; its sequence goes to a FULL at the next run.
struct DiscardCommand: Command {
    static let words = ["discard"]
    static let abstract = "drop the file the brake on mass removals held for a subscriber; the next run sends a FULL"
    static let discussion = """
        For a held file whose removals were wrong (an upstream run fired early, say): the file is
        deleted unseen, and the next `prenum run` sends the subscriber a FULL file with everything
        visible to it then, under the held file's sequence number (its previousHash is that of the
        last published file: the recipient never saw the held one). Takes the run lock (exit 75
        while a run is going). Exit 64 when the subscriber has no held file.
        """
    @Option(.config) var config: String
    @Option(.subscriber) var subscriber: String

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        if case .discarded(let fileName, let next) = try HeldFileDecision.discard(
            configuration: configuration, subscriber: subscriber,
            log: environment.log, faults: environment.faults)
        {
            print("discarded \(fileName) for \(subscriber): the next run sends a FULL file with sequence \(next)")
        }
        return .ok
    }
}
