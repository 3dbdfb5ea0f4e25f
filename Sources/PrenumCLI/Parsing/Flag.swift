/// An option without a value, declared where it is stored (`@Flag(help: "…") var json = false`).
@propertyWrapper
struct Flag: DeclaredArgument {
    let declaration: OptionDeclaration
    private let initial: Bool
    private let slot = OptionSlot<Bool>()

    init(wrappedValue: Bool = false, name: String? = nil, help: String) {
        declaration = OptionDeclaration(name: name, valueName: nil, help: help, defaultDescription: nil, isRequired: false)
        initial = wrappedValue
    }

    var wrappedValue: Bool { slot.value ?? initial }

    var isGiven: Bool { slot.value != nil }

    func take(_ text: String?) -> String? {
        guard text == nil else { return "takes no value" }
        slot.value = true
        return nil
    }
}
