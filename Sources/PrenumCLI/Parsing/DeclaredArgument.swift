/// An `@Option` or `@Flag` as the parser sees it, found in a command by reflection.
protocol DeclaredArgument {
    var declaration: OptionDeclaration { get }
    var isGiven: Bool { get }
    /// Takes the text given for the option (nil for a flag); returns the refusal when it does not read.
    func take(_ text: String?) -> String?
}
