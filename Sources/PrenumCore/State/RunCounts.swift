/// A run's files and failures as they stand now rather than as the run stored them when it
/// ended: a file staged but not published is not "delivered", a subscriber that failed twice
/// is one failed subscriber, and a failure that a later attempt made good is "retried".
struct RunCounts {
    var delivered = 0
    var failed = 0
    var retried = 0
    var staged = 0
}
