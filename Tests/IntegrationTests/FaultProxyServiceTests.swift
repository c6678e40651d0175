import FirebreakAWS
import FirebreakLogs
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `firebreak serve` talking to moto through the fault proxy (signature checking on): the proxy cuts the
/// service's TerminateInstances after moto carried it out and its callback SIGKILLs the service before the
/// answer arrives; a service restarted on the same store talks through the same proxy.
@Suite(.serialized, .motoServer)
struct FaultProxyServiceTests {
    let moto: MotoServer
    let proxy: FaultProxy
    let instanceId: String
    let interfaceId: String
    let privateIP: String
    let topicArn: String

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        proxy = try FaultProxy(upstream: moto.endpoint)
        let network = try moto.createNetwork(vpcCidr: "10.0.0.0/16", subnetCidr: "10.0.1.0/24")
        (instanceId, interfaceId, privateIP) = try ResponseEndToEndTests.launch(moto, in: network)
        topicArn = try moto.createTopic("firebreak-alerts")
    }

    func service(store: String) throws -> ServiceProcess {
        try ServiceProcess(environment: [
            "FIREBREAK_MODE": "enforce", "FIREBREAK_STORE": store, "FIREBREAK_SNS_TOPIC_ARN": topicArn,
            "AWS_ENDPOINT_URL": proxy.endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey,
            "AWS_REGION": moto.region, "AWS_EC2_METADATA_DISABLED": "true",
        ])
    }

    /// The honeypot tries to reach an IRC server and is REJECTed.
    func rejectedEgress(requestID: String) -> [UInt8] {
        let line = "2 123456789012 \(interfaceId) \(privateIP) 203.0.113.9 43512 6667 6 3 180 1700000100 1700000160 REJECT OK"
        return FirehoseFixture.body(requestID: requestID, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line]))])
    }

    @Test func theServiceIsKilledAfterMotoTerminatedAndBeforeTheAnswer() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("fb-cut-\(UUID().uuidString)/f.sqlite").path
        defer { try? FileManager.default.removeItem(atPath: (store as NSString).deletingLastPathComponent) }
        let first = try service(store: store)
        let pid = first.process.processIdentifier
        let killed = Mutexed<[Bool]>([])
        proxy.arm(FaultRule(action: "TerminateInstances") { _ in killed.update { $0.append(ProcessKiller.kill(pid)) } })
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try first.client(), requestID: "cut-1",
                                                                        body: rejectedEgress(requestID: "cut-1")),
                                           status: 200, requestID: "cut-1")
        let cut = try #require(proxy.waitForCut(timeout: .seconds(30)), "no TerminateInstances: \(first.output.suffix(3000))")
        #expect(cut.status == 200 && cut.responseText.contains(instanceId))
        #expect(killed.value == [true])
        #expect(first.waitForExit(timeout: 5) != nil, "the service is gone")
        #expect(try moto.ec2.describeInstances(ids: [instanceId]).first?.state == .terminated)
        // The evidence went first, through the proxy too.
        let actions = proxy.actions
        let terminate = try #require(actions.firstIndex(of: "TerminateInstances"))
        #expect(actions[..<terminate].contains { $0.hasPrefix("CreateSnapshot") }, "\(actions)")

        // A service on the same store starts and calls through the proxy again (what it redoes is the crash tests' part).
        let before = proxy.actions.count
        let second = try service(store: store)
        #expect(second.process.isRunning)
        let deadline = ContinuousClock.now + .seconds(30)
        while proxy.actions.count == before && ContinuousClock.now < deadline { usleep(100_000) }
        #expect(proxy.actions.count > before, "\(second.output.suffix(2000))")
    }
}
