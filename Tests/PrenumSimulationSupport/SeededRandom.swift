import PrenumCore
import PrenumSample

/// The simulations draw from the sample generator's SplitMix64, so a failing simulation can
/// be replayed by its seed.
typealias SeededRandom = SampleRandom

extension SampleRandom: RandomNumberGenerator {}
