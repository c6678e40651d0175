import FirebreakHTTP
import FirebreakTestSupport
import Foundation
import Testing

/// The fault proxy's HTTP plumbing in front of a FirebreakHTTP server on loopback: chunked bodies forwarded byte
/// for byte on one kept-alive client connection, and an upstream that is not there.
@Suite struct FaultProxyWireTests {
    @Test func chunkedRequestsOnOneKeptAliveConnectionArriveByteForByte() throws {
        let server = try LoopbackServer { router in
            router.route("POST", "/echo") { request, respond in
                respond(.text(200, String(decoding: request.body, as: UTF8.self)))
            }
        }
        defer { server.stop() }
        let proxy = try FaultProxy(upstream: server.url("/"))
        defer { proxy.stop() }
        // curl sends a chunked body when told so, and reuses its connection for the second URL.
        let body = "Action=Echo&Text=chunked+body"
        let url = proxy.endpoint.absoluteString + "echo"
        let result = try ChildProcess.run("curl", ["-sS", "--max-time", "10", "-H", "Transfer-Encoding: chunked",
                                                   "--data-binary", body, url, url], timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == body + body)
        #expect(proxy.connectionsAccepted == 1)
        #expect(proxy.actions == ["Echo", "Echo"])
        let forwarded = String(decoding: try #require(proxy.exchanges.first).request, as: UTF8.self)
        #expect(forwarded.contains("Transfer-Encoding: chunked\r\n"))
        #expect(forwarded.hasSuffix("\r\n\(String(body.utf8.count, radix: 16))\r\n\(body)\r\n0\r\n\r\n"), "\(forwarded)")
    }

    @Test func anUpstreamThatIsNotThereIsABadGateway() throws {
        let proxy = try FaultProxy(upstream: URL(string: "http://127.0.0.1:\(closedLoopbackPort())/")!)
        defer { proxy.stop() }
        let result = try ChildProcess.run("curl", ["-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                                                   proxy.endpoint.absoluteString], timeout: 30)
        #expect(result.stdout == "502", "\(result.stderr)")
        #expect(proxy.exchanges.first?.status == nil)
    }

    @Test func theUpstreamMustBeOnLoopback() {
        #expect(throws: FaultProxy.Failure.self) { _ = try FaultProxy(upstream: URL(string: "http://192.0.2.1:80/")!) }
    }
}
