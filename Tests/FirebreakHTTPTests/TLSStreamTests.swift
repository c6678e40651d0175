import COpenSSL
import Glibc
import Testing
@testable import FirebreakHTTP

/// The socket BIO under every TLS connection.
@Suite struct TLSStreamTests {
    @Test func socketBIOWritesToAClosedPeerWithoutRaisingSIGPIPE() throws {
        // OpenSSL's own socket BIO uses write(2): on a socket whose peer is gone that raises SIGPIPE, which ends a
        // process that does not ignore it (Dispatch threads block it, but a library must not count on that).
        // SIGPIPE is blocked here so that a regression shows up as a pending signal instead of a dead test run.
        var pipeOnly = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeOnly, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }

        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        close(fds[1])
        defer { close(fds[0]) }
        let method = try #require(TLSStream.SocketMethod.shared.pointer)
        let bio = try #require(BIO_new(method))
        defer { BIO_free(bio) }
        _ = BIO_int_ctrl(bio, BIO_C_SET_FD, Int(BIO_NOCLOSE), fds[0])
        let bytes: [UInt8] = Array("record".utf8)
        errno = 0
        #expect(BIO_write(bio, bytes, Int32(bytes.count)) == -1)
        #expect(errno == EPIPE)
        #expect(BIO_test_flags(bio, BIO_FLAGS_SHOULD_RETRY) == 0)
        var pending = sigset_t()
        sigpending(&pending)
        #expect(sigismember(&pending, SIGPIPE) == 0, "the write raised SIGPIPE")
    }
}
