/// An option taking a value, declared where it is stored: the property's type is what the text
/// is read as, its initial value is the default, and help and the manual page are made from the
/// declaration, so a misspelt option name does not compile and a default is written once.
///
///     @Option(valueName: "H", help: "hours") var maxAge = 26
///     @Option(valueName: "S", help: "subscriber id") var subscriber: String          // required
///     @Option(valueName: "D1", help: "first date", default: "the first file") var from: CalendarDate?
@propertyWrapper
struct Option<Value>: DeclaredArgument {
    let declaration: OptionDeclaration
    private let initial: Value?
    private let read: (String) -> Value?
    private let refusal: (String) -> String
    private let slot = OptionSlot<Value>()

    private init(
        declaration: OptionDeclaration, initial: Value?, refusal: @escaping (String) -> String,
        read: @escaping (String) -> Value?
    ) {
        self.declaration = declaration
        self.initial = initial
        self.read = read
        self.refusal = refusal
    }

    /// A shared declaration (`@Option(.config)`), written once for every command that takes it.
    init(_ shared: Option<Value>) {
        self.init(declaration: shared.declaration, initial: shared.initial, refusal: shared.refusal, read: shared.read)
    }

    var wrappedValue: Value {
        if let value = slot.value ?? initial { return value }
        preconditionFailure("a required option was read before the parser checked it was given")
    }

    var isGiven: Bool { slot.value != nil }

    func take(_ text: String?) -> String? {
        guard let text, let value = read(text) else { return refusal(text ?? "") }
        slot.value = value
        return nil
    }
}

extension Option where Value: OptionValue {
    /// An option with a default: the initial value.
    init(wrappedValue: Value, name: String? = nil, valueName: String, help: String) {
        self.init(
            declaration: OptionDeclaration(
                name: name, valueName: valueName, help: help,
                defaultDescription: String(describing: wrappedValue), isRequired: false),
            initial: wrappedValue, refusal: Value.refusal(of:), read: Value.init(optionText:))
    }

    /// A required option: no initial value.
    init(name: String? = nil, valueName: String, help: String) {
        self.init(
            declaration: OptionDeclaration(name: name, valueName: valueName, help: help, defaultDescription: nil, isRequired: true),
            initial: nil, refusal: Value.refusal(of:), read: Value.init(optionText:))
    }
}

extension Option {
    /// An option that may be left out; nil then, and `default` says in help what that means.
    init<Wrapped: OptionValue>(name: String? = nil, valueName: String, help: String, default defaultDescription: String? = nil)
    where Value == Wrapped? {
        self.init(
            declaration: OptionDeclaration(
                name: name, valueName: valueName, help: help,
                defaultDescription: defaultDescription, isRequired: false),
            initial: .some(nil), refusal: Wrapped.refusal(of:)
        ) { text in
            // `.some(nil)` would be a value that read as nothing: a text that does not read is no value.
            Wrapped(optionText: text).map { .some($0) }
        }
    }
}

extension Option where Value == Int {
    /// A whole number within `range`, with a default.
    init(wrappedValue: Int, name: String? = nil, valueName: String, range: ClosedRange<Int>, help: String) {
        self.init(
            declaration: OptionDeclaration(
                name: name, valueName: valueName, help: help,
                defaultDescription: String(wrappedValue), isRequired: false),
            initial: wrappedValue, refusal: Self.refusal(range), read: Self.reader(range))
    }

    /// A required whole number within `range`.
    init(name: String? = nil, valueName: String, range: ClosedRange<Int>, help: String) {
        self.init(
            declaration: OptionDeclaration(name: name, valueName: valueName, help: help, defaultDescription: nil, isRequired: true),
            initial: nil, refusal: Self.refusal(range), read: Self.reader(range))
    }

    private static func reader(_ range: ClosedRange<Int>) -> (String) -> Int? {
        { text in Int(text).flatMap { range.contains($0) ? $0 : nil } }
    }

    private static func refusal(_ range: ClosedRange<Int>) -> (String) -> String {
        { text in "must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'" }
    }
}
