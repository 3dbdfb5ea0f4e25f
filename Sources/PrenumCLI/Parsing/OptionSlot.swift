/// Where the parser puts an option's value. A class, so that the copy of a property wrapper
/// the parser finds by reflection writes into the command it was found in.
final class OptionSlot<Value> {
    var value: Value?
}
