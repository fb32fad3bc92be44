/// Why a check cannot run, worded for the command line.
public struct CheckError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
