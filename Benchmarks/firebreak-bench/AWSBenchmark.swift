import FirebreakAWS
import FirebreakTestSupport
import Foundation

/// The AWS client: SigV4 signing throughput next to hashing the same body, and the latency of an SNS
/// Publish and an EC2 DescribeInstances against a `moto_server` on loopback, with a warm handle pool
/// next to a cold one (a new transport, so a new connection, per call).
enum AWSBenchmark {
    struct Figures {
        var signaturesPerSecond: Double
        var hashesPerSecond: Double
        var publishWarmMillis: Double
        var publishColdMillis: Double
        var describeWarmMillis: Double
        var describeColdMillis: Double
    }

    static func run(rounds: Int) throws -> Figures? {
        // Signing: a DescribeInstances Query POST, as the EC2 client sends it.
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "ec2")
        var query = QueryRequest(action: "DescribeInstances", version: "2016-11-15")
        query.add("InstanceId.1", "i-0123456789abcdef0")
        let request = AWSHTTPRequest(method: "POST", url: URL(string: "https://ec2.us-east-1.amazonaws.com/")!,
                                     headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                     body: Array(query.body.utf8))
        let count = 20_000
        let date = Date()
        let signTime = Stopwatch.median((0..<rounds).map { _ in
            Stopwatch.time { for _ in 0..<count { _ = signer.sign(request, date: date) } }
        })
        let hashTime = Stopwatch.median((0..<rounds).map { _ in
            Stopwatch.time { for _ in 0..<count { _ = SHA256.hash(request.body) } }
        })

        guard let moto = try? MotoServer.start(timeout: .seconds(15)) else {
            FileHandle.standardError.write(Data("moto_server is not available: AWS latency figures left out\n".utf8))
            return Figures(signaturesPerSecond: Double(count) / signTime, hashesPerSecond: Double(count) / hashTime,
                           publishWarmMillis: 0, publishColdMillis: 0, describeWarmMillis: 0, describeColdMillis: 0)
        }
        defer { moto.stop() }
        let warm = CurlTransport()
        let provider = StaticCredentialProvider(credentials)
        func client(_ name: String, _ transport: any AWSTransport) -> AWSClient {
            AWSClient(endpoint: moto.endpoint, region: "us-east-1", signingName: name, credentials: provider, transport: transport)
        }
        var create = QueryRequest(action: "CreateTopic", version: "2010-03-31")
        create.add("Name", "firebreak-bench")
        let topic = try client("sns", warm).query(create).string("CreateTopicResult", "TopicArn") ?? ""
        let calls = 200
        func latency(_ body: (any AWSTransport) throws -> Void, cold: Bool) throws -> Double {
            var samples: [Double] = []
            for _ in 0..<calls {
                let transport: any AWSTransport = cold ? CurlTransport() : warm
                let start = DispatchTime.now().uptimeNanoseconds
                try body(transport)
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return Stopwatch.median(samples)
        }
        let publish: (any AWSTransport) throws -> Void = { transport in
            _ = try SNSClient(client: client("sns", transport)).publish(topicArn: topic, subject: "bench", message: "finding")
        }
        let describe: (any AWSTransport) throws -> Void = { transport in
            _ = try EC2Client(client: client("ec2", transport)).describeInstances()
        }
        _ = try latency(publish, cold: false)   // warm-up
        return Figures(signaturesPerSecond: Double(count) / signTime, hashesPerSecond: Double(count) / hashTime,
                       publishWarmMillis: try latency(publish, cold: false), publishColdMillis: try latency(publish, cold: true),
                       describeWarmMillis: try latency(describe, cold: false), describeColdMillis: try latency(describe, cold: true))
    }
}
