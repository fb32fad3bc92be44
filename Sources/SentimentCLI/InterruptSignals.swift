#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import Foundation
import SentimentKit

/// SIGINT and SIGTERM for commands that must not simply die: the signals are caught by dispatch sources
/// (their handlers run on an ordinary thread, so they may take locks and remove files) instead of ending
/// the process at once.
///
/// - `.stopAfterStep`: the first signal is only recorded; the command checks `received` between steps
///   and winds down itself. A second signal stops at once (a long step, or a user who means it).
/// - `.stopNow(message)`: every temporary file of an open `AtomicFileWriter` is removed, `message` is
///   printed and the process exits.
///
/// Either way the exit status is 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as a
/// shell reports a process the signal ended.
final class InterruptSignals: @unchecked Sendable {
    enum Response {
        case stopAfterStep
        case stopNow(message: String)
    }

    private let response: Response
    private let lock = NSLock()
    private var firstSignal: Int32?
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "sentiment.signals")

    /// Catches SIGINT and SIGTERM from now until the process ends.
    init(_ response: Response) {
        self.response = response
        for number in [SIGINT, SIGTERM] {
            // Dispatch only sees a signal whose default action (ending the process) is turned off.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in self.handle(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops catching: the signals end the process again.
    deinit {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }

    /// The first signal received, if any.
    var received: Int32? { lock.withLock { firstSignal } }

    /// The exit status for a process stopped by `signal`.
    static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    /// The signal's usual name, for messages.
    static func name(of signal: Int32) -> String { signal == SIGINT ? "SIGINT" : "SIGTERM" }

    private func handle(_ number: Int32) {
        // A progress bar may be half drawn on a terminal: the message starts on a line of its own.
        if isatty(2) == 1 { StandardStreams.printError("") }
        switch response {
        case .stopAfterStep:
            let isFirst = lock.withLock {
                guard firstSignal == nil else { return false }
                // Said before the signal is published: once `received` shows it, the command may wind
                // down and print its last line, which must come after this one.
                StandardStreams.printError(
                    "\(Self.name(of: number)): stopping after the current step (send it again to stop at once)"
                )
                firstSignal = number
                return true
            }
            if isFirst { return }
            AtomicFileWriter.removeTemporaryFiles()
            StandardStreams.printError(
                "interrupted again: stopped at once; the model file holds the last checkpoint written, if any"
            )
            _exit(Self.exitStatus(for: number))
        case .stopNow(let message):
            lock.withLock { firstSignal = firstSignal ?? number }
            AtomicFileWriter.removeTemporaryFiles()
            StandardStreams.printError(message)
            _exit(Self.exitStatus(for: number))
        }
    }
}
