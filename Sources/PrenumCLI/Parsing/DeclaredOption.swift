/// One option of a command with its long name resolved, in declaration order.
struct DeclaredOption {
    let name: String
    let argument: any DeclaredArgument

    var declaration: OptionDeclaration { argument.declaration }

    /// `--name V` or `--name`, as usage lines and help show it.
    var label: String { declaration.valueName.map { "--\(name) \($0)" } ?? "--\(name)" }

    /// The `@Option` and `@Flag` properties of `command`, found by reflection as
    /// swift-argument-parser does: the declarations are the storage, so there is no list to keep.
    static func all(in command: some Command) -> [DeclaredOption] {
        Mirror(reflecting: command).children.compactMap { child in
            guard let argument = child.value as? any DeclaredArgument else { return nil }
            let property = child.label.map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 } ?? ""
            return DeclaredOption(name: argument.declaration.name ?? kebabCase(property), argument: argument)
        }
    }

    /// `metricsFile` → `metrics-file`.
    static func kebabCase(_ property: String) -> String {
        var name = ""
        for character in property {
            if character.isUppercase {
                name += "-" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }
}
