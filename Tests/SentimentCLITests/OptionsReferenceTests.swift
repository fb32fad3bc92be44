import Foundation
import Testing

/// docs/options.md is generated from the program's `--help` by scripts/make_options_reference.sh; these
/// tests fail when a flag or its help changed and the reference was not regenerated.
@Suite struct OptionsReferenceTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let reference = repository.appendingPathComponent("docs/options.md")
    static let script = repository.appendingPathComponent("scripts/make_options_reference.sh")
    static let regenerate = "regenerate it: scripts/make_options_reference.sh > docs/options.md"

    @Test func referenceIsWhatTheScriptGenerates() throws {
        let binary = try #require(SentimentBinary.url, "the sentiment executable was not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script.path, binary.path]
        process.currentDirectoryURL = Self.repository
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let generated = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let committed = try Data(contentsOf: Self.reference)
        #expect(
            String(decoding: generated, as: UTF8.self) == String(decoding: committed, as: UTF8.self),
            "docs/options.md differs from the program's --help; \(Self.regenerate)")
    }

    @Test func everyFlagOfEveryCommandIsInTheReference() throws {
        let reference = try String(contentsOf: Self.reference, encoding: .utf8)
        let commands = try subcommands()
        #expect(commands.count >= 10, "found only \(commands) in sentiment --help")
        for command in commands {
            let section = try #require(
                Self.section(of: command, in: reference), "docs/options.md has no section for \(command)")
            let flags = try Self.flags(in: SentimentBinary.run([command, "--help"]).standardOutput)
            #expect(flags.contains("--help"))
            for flag in flags {
                #expect(
                    section.contains(flag),
                    "\(flag) of sentiment \(command) is missing from docs/options.md; \(Self.regenerate)")
            }
        }
    }

    /// The subcommands `sentiment --help` lists.
    private func subcommands() throws -> [String] {
        let help = try SentimentBinary.run(["--help"]).standardOutput
        var listing = false
        var commands: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "SUBCOMMANDS:" {
                listing = true
            } else if listing, line.prefix(while: { $0 == " " }).count == 2,
                let first = line.dropFirst(2).first, first.isLowercase
            {
                // A subcommand's name, indented by two spaces; the closing "See 'sentiment help …'" is not.
                commands.append(String(line.dropFirst(2).prefix(while: { $0 != " " })))
            }
        }
        return commands
    }

    /// The long flags an option listing of `--help` names (lines that start, indented, with a dash).
    static func flags(in help: String) throws -> Set<String> {
        let flag = try Regex(#"--[a-z][a-z0-9-]*"#)
        var flags: Set<String> = []
        for line in help.split(separator: "\n") where line.drop(while: { $0 == " " }).hasPrefix("-") {
            if let match = line.firstMatch(of: flag) { flags.insert(String(line[match.range])) }
        }
        return flags
    }

    /// The text of `## \`sentiment COMMAND\`` up to the next section.
    static func section(of command: String, in reference: String) -> Substring? {
        guard let start = reference.range(of: "\n## `sentiment \(command)`\n") else { return nil }
        let rest = reference[start.upperBound...]
        return rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
    }
}
