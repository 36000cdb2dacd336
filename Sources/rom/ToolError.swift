/// An error of the `rom` tool's input: the message names the option, file or line at fault.
/// ArgumentParser prints it as `Error: <message>` and the tool exits with status 1.
struct ToolError: Error, CustomStringConvertible {
    /// One line naming the place and the problem.
    let description: String

    init(_ description: String) { self.description = description }
}
