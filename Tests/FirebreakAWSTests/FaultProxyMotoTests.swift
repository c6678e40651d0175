import FirebreakAWS
import FirebreakTestSupport
import FirebreakTestTraits
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The fault proxy in front of moto with signature checking on: signed calls go through; an armed rule lets
/// moto carry a call out and withholds the answer; its callback can kill the caller.
@Suite(.serialized, .motoServer)
struct FaultProxyMotoTests {
    let moto: MotoServer
    let proxy: FaultProxy

    init() throws {
        moto = try #require(MotoServer.current, "the suite runs with .motoServer")
        try moto.reset()
        proxy = try FaultProxy(upstream: moto.endpoint)
    }

    /// A client through the proxy, one attempt; a new transport (so new connections) unless one is given.
    func viaProxy(_ signingName: String, _ transport: CurlTransport = CurlTransport(),
                  credentials: AWSCredentials? = nil) -> AWSClient {
        AWSClient(endpoint: proxy.endpoint, region: moto.region, signingName: signingName,
                  credentials: StaticCredentialProvider(credentials ?? moto.credentials), transport: transport,
                  retryPolicy: RetryPolicy(maxAttempts: 1))
    }

    @Test func signedCallsGoThroughWithSignatureCheckingOn() throws {
        let transport = CurlTransport()
        let ec2 = EC2Client(client: viaProxy("ec2", transport))
        let sns = SNSClient(client: viaProxy("sns", transport))
        _ = try ec2.describeInstances()
        _ = try ec2.describeInstances()
        var create = SNSClient.request("CreateTopic")
        create.add("Name", "via-proxy")
        let topicArn = try #require(try sns.call(create).string("CreateTopicResult", "TopicArn"))
        let messageId = try sns.publish(topicArn: topicArn, message: "through the proxy",
                                        attributes: ["firebreak.action_id": .string("a-1")])
        #expect(try moto.sentNotifications(topicArn: topicArn).first?[0] as? String == messageId)
        #expect(proxy.actions == ["DescribeInstances", "DescribeInstances", "CreateTopic", "Publish"])
        // The reads share one kept-alive connection; each call that changes the account takes a fresh one.
        #expect(proxy.connectionsAccepted == 3, "\(proxy.connectionsAccepted) connections")
        // moto checked the signature over the Host the client signed, which the proxy passed on unchanged.
        let forwarded = String(decoding: try #require(proxy.exchanges.first).request, as: UTF8.self)
        #expect(forwarded.contains("\r\nHost: 127.0.0.1:\(proxy.port)\r\n") || forwarded.contains("\r\nhost: 127.0.0.1:\(proxy.port)\r\n"))
        // And checking is really on through the proxy: a wrong secret is refused.
        let wrong = AWSCredentials(accessKeyID: moto.credentials.accessKeyID, secretAccessKey: "not-the-secret")
        var caught: AWSError?
        do { _ = try EC2Client(client: viaProxy("ec2", credentials: wrong)).describeInstances() } catch { caught = error }
        #expect(caught?.kind == .accessDenied)
        #expect(caught?.code == "AuthFailure")
    }

    @Test func anArmedTerminateIsCarriedOutButNeverAnswered() throws {
        let network = try moto.createNetwork(vpcCidr: "10.30.0.0/16", subnetCidr: "10.30.1.0/24")
        let instance = try moto.launchInstance(in: network, volumes: [("/dev/sda1", 8)], tags: [("Name", "cut")])
        let callbacks = Recorder<String>()
        proxy.arm(FaultRule(action: "TerminateInstances") { exchange in callbacks.append(exchange.action ?? "") })
        // A fresh connection: libcurl has no reused connection to resend on.
        let ec2 = EC2Client(client: viaProxy("ec2"))
        var caught: AWSError?
        do { _ = try ec2.terminateInstances(ids: [instance.instanceId]) } catch { caught = error }
        #expect(caught?.kind == .transport, "\(String(describing: caught))")
        let cut = try #require(proxy.waitForCut(timeout: .seconds(5)))
        #expect(cut.action == "TerminateInstances" && cut.status == 200 && cut.withheld)
        #expect(cut.responseText.contains(instance.instanceId))
        #expect(callbacks.all == ["TerminateInstances"])
        #expect(!proxy.isArmed)
        // moto carried it out.
        #expect(try moto.ec2.describeInstances(ids: [instance.instanceId]).first?.state == .terminated)
        // Disarmed, the same call through the proxy is answered.
        #expect(throws: Never.self) { _ = try EC2Client(client: viaProxy("ec2")).terminateInstances(ids: [instance.instanceId]) }
        #expect(proxy.actions.filter { $0 == "TerminateInstances" }.count == 2)
        #expect(callbacks.count == 1)
    }

    @Test func onlyTheNthOccurrenceIsCut() throws {
        proxy.arm(FaultRule(action: "DescribeVpcs", occurrence: 2))
        func describe() -> AWSError? {
            do { _ = try EC2Client(client: viaProxy("ec2")).call(EC2Client.request("DescribeVpcs")) } catch { return error }
            return nil
        }
        _ = try EC2Client(client: viaProxy("ec2")).describeInstances()   // another action does not count
        #expect(describe() == nil)
        #expect(describe()?.kind == .transport)
        #expect(describe() == nil)
        #expect(proxy.cuts.count == 1)
        #expect(proxy.actions == ["DescribeInstances", "DescribeVpcs", "DescribeVpcs", "DescribeVpcs"])
    }

    /// libcurl resends a request whose *reused* connection closed before any answer byte: a caller that lives
    /// on makes the cut call twice (only the first copy cut). Crash tests kill the caller, so nothing is resent.
    @Test func aCutOnAReusedConnectionIsResentByLibcurl() throws {
        let ec2 = EC2Client(client: viaProxy("ec2", CurlTransport()))
        _ = try ec2.describeInstances()          // the connection the next call reuses
        proxy.arm(FaultRule(action: "DescribeInstances"))
        #expect(throws: Never.self) { _ = try ec2.describeInstances() }
        #expect(proxy.cuts.count == 1)
        #expect(proxy.actions == ["DescribeInstances", "DescribeInstances", "DescribeInstances"])
        #expect(proxy.connectionsAccepted == 2)
    }

    /// A call that changes the account goes on a fresh connection: cut after moto carried it out, it is not sent
    /// again behind the caller's back.
    @Test func aCutCallThatChangesTheAccountIsNotResent() throws {
        let network = try moto.createNetwork(vpcCidr: "10.40.0.0/16", subnetCidr: "10.40.1.0/24")
        let ec2 = EC2Client(client: viaProxy("ec2", CurlTransport()))
        _ = try ec2.describeInstances()          // a kept-alive connection is there to be reused
        proxy.arm(FaultRule(action: "CreateSecurityGroup"))
        #expect(throws: AWSError.self) { _ = try ec2.createSecurityGroup(name: "once", description: "d", vpcId: network.vpcId) }
        // Under load moto may answer after the client's own timeout: the cut completes then, and nothing is resent
        // meanwhile either way.
        #expect(proxy.waitForCut(1, timeout: .seconds(60)) != nil)
        #expect(proxy.cuts.count == 1)
        #expect(proxy.actions.filter { $0 == "CreateSecurityGroup" }.count == 1, "\(proxy.actions)")
    }

    @Test func aJSONProtocolCallIsMatchedByItsTarget() throws {
        struct NoInput: Encodable {}
        struct Queues: Decodable { var QueueUrls: [String]? }
        _ = try moto.createQueue("json-target")
        proxy.arm(FaultRule(action: "AmazonSQS.ListQueues"))
        let sqs = viaProxy("sqs")
        var caught: AWSError?
        do { _ = try sqs.json(targetPrefix: "AmazonSQS", operation: "ListQueues", input: NoInput(), as: Queues.self) } catch { caught = error }
        #expect(caught?.kind == .transport, "\(String(describing: caught))")
        let cut = try #require(proxy.waitForCut(timeout: .seconds(5)))
        #expect(cut.action == "ListQueues" && cut.status == 200, "\(cut.responseText)")
        #expect(cut.responseText.contains("json-target"))
        let queues = try viaProxy("sqs").json(targetPrefix: "AmazonSQS", operation: "ListQueues", input: NoInput(), as: Queues.self)
        #expect(queues.QueueUrls?.contains { $0.hasSuffix("/json-target") } == true)
    }

    @Test func theCallbackKillsTheCallerBeforeItsConnectionCloses() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["60"]
        try sleeper.run()
        let pid = sleeper.processIdentifier
        defer { if sleeper.isRunning { kill(pid, SIGKILL) } }
        let killed = Recorder<Bool>()
        proxy.arm(FaultRule(action: "Publish") { _ in killed.append(ProcessKiller.kill(pid)) })
        let topicArn = try moto.createTopic("kill")
        var caught: AWSError?
        do { _ = try SNSClient(client: viaProxy("sns")).publish(topicArn: topicArn, message: "m") } catch { caught = error }
        #expect(caught?.kind == .transport)
        #expect(proxy.waitForCut(timeout: .seconds(5)) != nil)
        #expect(killed.all == [true], "the callback saw the process gone")
        #expect(ProcessKiller.isGone(pid))
        let deadline = ContinuousClock.now + .seconds(5)
        while sleeper.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        #expect(!sleeper.isRunning)
        #expect(sleeper.terminationReason == .uncaughtSignal && sleeper.terminationStatus == SIGKILL)
        #expect(try moto.sentNotifications(topicArn: topicArn).count == 1, "moto published it all the same")
    }
}
