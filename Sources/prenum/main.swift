import Foundation
import PrenumCLI

exit(CommandRegistry.main(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
