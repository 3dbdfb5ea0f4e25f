import PrenumCore

struct RefreshCommand: Command {
    static let words = ["refresh"]
    static let abstract = "order a FULL file for a subscriber at the next run"
    static let discussion = """
        The next `prenum run` sends the subscriber one FULL file with everything visible to it; the
        recipient replaces its copy with it. Use it after a recipient lost its copy or after upstream
        corrections the deltas could not express. Takes the run lock (exit 75 while a run is going).
        """
    @Option(.config) var config: String
    @Option(.subscriber) var subscriber: String

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        try RefreshOrder.place(configuration: configuration, subscriber: subscriber)
        print("refresh ordered for \(subscriber): the next run delivers a FULL file")
        return .ok
    }
}
