import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to the server on loopback, for requests no HTTP client would send: a body
/// announced and never sent, a body sent slowly. Blocking calls run off the concurrency pool.
final class RawConnection: @unchecked Sendable {
    // @unchecked: used by one task at a time.
    private let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(socket) }

    /// Sends all of `text`'s bytes; false when the server has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await offPool {
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Glibc.send(self.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { return false }
                sent += count
            }
            return true
        }
    }

    @discardableResult
    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Everything the server sends until it closes the connection or `timeout` passes, and whether
    /// it closed.
    func receiveUntilClosed(timeout: Duration) async -> (bytes: [UInt8], closed: Bool) {
        await offPool {
            var received: [UInt8] = []
            let deadline = ContinuousClock.now + timeout
            var buffer = [UInt8](repeating: 0, count: 65536)
            while ContinuousClock.now < deadline {
                var poller = pollfd(fd: self.socket, events: Int16(POLLIN), revents: 0)
                let remaining = Int32(max(1, (ContinuousClock.now.duration(to: deadline) / .milliseconds(1))))
                guard poll(&poller, 1, remaining) > 0 else { continue }
                let count = recv(self.socket, &buffer, buffer.count, 0)
                if count <= 0 { return (received, true) }
                received.append(contentsOf: buffer[..<count])
            }
            return (received, false)
        }
    }

    private func offPool<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
