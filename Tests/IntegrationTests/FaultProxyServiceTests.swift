import FirebreakAWS
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
    let world: ProxiedHoneypot
    let topicArn: String

    init() throws {
        world = try ProxiedHoneypot()
        topicArn = try world.moto.createTopic("firebreak-alerts")
    }

    @Test func theServiceIsKilledAfterMotoTerminatedAndBeforeTheAnswer() throws {
        let store = world.file("cut.sqlite")
        let first = try world.service(store: store, topicArn: topicArn)
        let cut = try world.killWhenMotoHasDone("TerminateInstances", service: first, requestID: "cut-1",
                                                body: world.rejectedEgress(requestID: "cut-1"))
        #expect(cut.responseText.contains(world.instanceId))
        #expect(try world.moto.ec2.describeInstances(ids: [world.instanceId]).first?.state == .terminated)
        // The evidence went first, through the proxy too.
        let actions = world.proxy.actions
        let terminate = try #require(actions.firstIndex(of: "TerminateInstances"))
        #expect(actions[..<terminate].contains { $0.hasPrefix("CreateSnapshot") }, "\(actions)")

        // A service on the same store starts and calls through the proxy again (what it redoes is the crash tests' part).
        let before = world.proxy.actions.count
        let second = try world.service(store: store, topicArn: topicArn)
        #expect(second.process.isRunning)
        let deadline = ContinuousClock.now + .seconds(30)
        while world.proxy.actions.count == before && ContinuousClock.now < deadline { usleep(100_000) }
        #expect(world.proxy.actions.count > before, "\(second.output.suffix(2000))")
    }
}
