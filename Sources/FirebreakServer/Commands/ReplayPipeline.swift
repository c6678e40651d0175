import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import Foundation

/// `firebreak replay --jobs N`: N threads read and decode inputs ahead of the writer, and evaluate their events by
/// chunks of records (`RuleSet.prepare`, which leaves the correlation windows alone), while the caller takes the
/// results in input order (`decoded(_:)`, `evaluation(_:_:)`), commits each chunk's correlation matches in that order
/// and writes. A large CloudTrail S3 file is decoded by one thread and evaluated by all of them.
///
/// At most `window` inputs are decoded ahead of the last one written, so memory stays bounded however many inputs
/// there are. Errors (an input that cannot be read or decoded) reach the caller when it asks for that input.
final class ReplayPipeline: @unchecked Sendable {
    // @unchecked: every mutable member below is read and written only with `condition` locked.

    /// An input read and decoded.
    struct Decoded: Sendable {
        var result: RecordDecodeResult
        /// Its decode problems as warning lines.
        var warnings: [String]
        /// Bytes read, events decoded, chunks of events to evaluate.
        var bytes: Int
        var events: Int
        var chunks: Int
        /// The bytes read, kept for `--respond` (its request id is their hash).
        var kept: [UInt8]?
    }

    /// Events per evaluation chunk: small enough that a large file keeps every thread busy, large enough that a
    /// chunk's own findings merge most of its repeated matches.
    static let chunkEvents = 4_096

    private let inputs: [ReplayInput]
    private let s3: S3Client?
    private let maxObjectBytes: Int64
    private let decoder: RecordDecoder
    /// Nil: inputs are only decoded (`--respond` evaluates them itself).
    private let ruleSet: RuleSet?
    private let network: NetworkContext
    private let receivedMillis: Int64
    private let window: Int

    private let condition = NSCondition()
    private var nextDecode = 0
    private var writtenCount = 0
    private var stopped = false
    private var decodedInputs: [Int: Result<Decoded, CommandError>] = [:]
    /// Chunks waiting for a thread, by input then chunk.
    private var pending: [(input: Int, chunk: Int, events: DecodedEvents)] = []
    private var evaluations: [Int: [Int: DeliveryEvaluation]] = [:]
    private var threads: [Thread] = []

    init(inputs: [ReplayInput], jobs: Int, s3: S3Client?, maxObjectBytes: Int64, decoder: RecordDecoder, ruleSet: RuleSet?,
         network: NetworkContext, receivedMillis: Int64) {
        self.inputs = inputs
        self.s3 = s3
        self.maxObjectBytes = maxObjectBytes
        self.decoder = decoder
        self.ruleSet = ruleSet
        self.network = network
        self.receivedMillis = receivedMillis
        window = 2 * jobs
        for _ in 0..<jobs {
            let thread = Thread { [self] in work() }
            thread.name = "firebreak-replay"
            threads.append(thread)
            thread.start()
        }
    }

    /// Stops the threads (after the job each is doing).
    func stop() {
        condition.lock()
        stopped = true
        pending = []
        condition.broadcast()
        condition.unlock()
    }

    /// Input `index` decoded, waiting for it; throws its read or decode error.
    func decoded(_ index: Int) throws(CommandError) -> Decoded {
        condition.lock()
        defer { condition.unlock() }
        while decodedInputs[index] == nil { condition.wait() }
        return try decodedInputs[index]!.get()
    }

    /// Chunk `chunk` of input `index` evaluated, waiting for it.
    func evaluation(_ index: Int, _ chunk: Int) -> DeliveryEvaluation {
        condition.lock()
        defer { condition.unlock() }
        while evaluations[index]?[chunk] == nil { condition.wait() }
        return evaluations[index]![chunk]!
    }

    /// Input `index` is written: what was kept for it is let go, and a later input may be decoded.
    func written(_ index: Int) {
        condition.lock()
        writtenCount = index + 1
        decodedInputs[index] = nil
        evaluations[index] = nil
        condition.broadcast()
        condition.unlock()
    }

    private enum Job {
        case decode(Int)
        case evaluate(input: Int, chunk: Int, DecodedEvents)
    }

    /// A thread: evaluation chunks of the earliest input first (they let the writer go on), else the next input to
    /// decode within the window.
    private func work() {
        while true {
            condition.lock()
            var job: Job?
            while !stopped {
                if !pending.isEmpty {
                    let next = pending.removeFirst()
                    job = .evaluate(input: next.input, chunk: next.chunk, next.events)
                    break
                }
                if nextDecode < inputs.count && nextDecode < writtenCount + window {
                    job = .decode(nextDecode)
                    nextDecode += 1
                    break
                }
                condition.wait()
            }
            condition.unlock()
            guard let job else { return }
            switch job {
            case .decode(let index):
                decode(index)
            case .evaluate(let input, let chunk, let events):
                let evaluation = ruleSet!.prepare(events, network: network, receivedMillis: receivedMillis, maxSamples: 1)
                condition.lock()
                evaluations[input, default: [:]][chunk] = evaluation
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    private func decode(_ index: Int) {
        let input = inputs[index]
        let outcome: Result<Decoded, CommandError>
        var chunks: [DecodedEvents] = []
        do throws(CommandError) {
            let bytes = try input.read(s3: s3, maxObjectBytes: maxObjectBytes) { _ in }
            var decoded = try Self.decode(bytes, name: input.name, decoder: decoder, keepBytes: ruleSet == nil)
            if ruleSet != nil {
                chunks = Self.chunks(decoded.result.events)
                decoded.chunks = chunks.count
                decoded.result.events = DecodedEvents()   // held by the chunks now
            }
            outcome = .success(decoded)
        } catch {
            outcome = .failure(error)
        }
        condition.lock()
        decodedInputs[index] = outcome
        for (chunk, events) in chunks.enumerated() { pending.append((index, chunk, events)) }
        pending.sort { ($0.input, $0.chunk) < ($1.input, $1.chunk) }
        condition.broadcast()
        condition.unlock()
    }

    /// `events` in chunks of about `chunkEvents`, in order.
    static func chunks(_ events: DecodedEvents) -> [DecodedEvents] {
        var out: [DecodedEvents] = []
        var current = DecodedEvents()
        for record in events.chunks {
            var start = 0
            while start < record.count {
                let take = min(record.count - start, chunkEvents - current.count)
                current.append(chunk: Array(record[start..<(start + take)]))
                start += take
                if current.count == chunkEvents {
                    out.append(current)
                    current = DecodedEvents()
                }
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Decodes one input's bytes as a file; its problems become warning lines.
    static func decode(_ bytes: [UInt8], name: String, decoder: RecordDecoder, keepBytes: Bool) throws(CommandError) -> Decoded {
        let result: RecordDecodeResult
        do {
            result = try decoder.decodeFile(bytes)
        } catch {
            throw CommandError(.failure, "\(name): \(error.message)")
        }
        let warnings = result.issues.map { issue in
            "\(name): record \(issue.recordIndex)" + (issue.line.map { ", line \($0)" } ?? "") + ": \(issue.message)"
        }
        return Decoded(result: result, warnings: warnings, bytes: bytes.count, events: result.events.count, chunks: 1,
                       kept: keepBytes ? bytes : nil)
    }
}
