import Foundation
import Testing
@testable import FirebreakResponse

/// A store whose file is lost or replaced is loud: it refuses to start empty in its place, refuses to
/// acknowledge deliveries into a file nobody will open again, and says so in `health()`.
@Suite struct StoreFileSafetyTests {
    @Test func aNewStoreWritesItsMarker() throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        _ = try ResponseStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path + ".created"))
    }

    @Test func aLostStoreIsNotSilentlyReplaced() throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        do {
            let store = try ResponseStore(path: path)
            try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
            store.close()
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        #expect {
            try ResponseStore(path: path)
        } throws: { error in
            guard let error = error as? StoreError, case .lost(path, _, _) = error else { return false }
            return error.description.contains("--init-store") && error.description.contains(path)
        }
        #expect(!FileManager.default.fileExists(atPath: path), "refusing must not create the file")
        // Told to, it starts an empty store.
        let fresh = try ResponseStore(path: path, replaceLost: true)
        #expect(try fresh.hasDelivery("req-1") == false)
        try Fixture.commitPlan(fresh, request: "req-2", finding: "f-2")
    }

    @Test func aDeletedFileRefusesCommitsAndIsUnhealthy() throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        let store = try ResponseStore(path: path)
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        #expect(store.health() == .writable)
        try FileManager.default.removeItem(atPath: path)
        #expect {
            try Fixture.commitPlan(store, request: "req-2", finding: "f-2")
        } throws: { error in
            guard let error = error as? StoreError, case .fileReplaced(path, let reason) = error else { return false }
            return reason.contains("deleted")
        }
        guard case .unwritable(let reason) = store.health() else {
            Issue.record("health() says writable with the file deleted")
            return
        }
        #expect(reason.contains(path))
    }

    @Test func aReplacedFileRefusesCommits() throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        let store = try ResponseStore(path: path)
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".old")
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.fileReplaced(path: path, reason: "was replaced by another file")) {
            try Fixture.commitPlan(store, request: "req-2", finding: "f-2")
        }
        #expect(store.health() != .writable)
    }

    @Test func queriesReadThroughTheirOwnConnectionWhileACommitHoldsTheLock() throws {
        let folder = TemporaryFolder()
        let path = folder.path("store.db")
        let store = try ResponseStore(path: path)
        try Fixture.commitPlan(store, request: "req-1", finding: "f-1")
        // Hold the writer's lock as a long commit would; the query answers meanwhile.
        let answered = try store.withConnection { _ throws(StoreError) -> Int in
            try store.findings(limit: 10).count
        }
        #expect(answered == 1)
        #expect(try store.finding(id: "f-1") != nil)
    }

    @Test func datesBeyondInt64MillisecondsClampInsteadOfTrapping() {
        #expect(Date(timeIntervalSince1970: 9.3e15).storeMillis == Int64.max)
        #expect(Date(timeIntervalSince1970: -9.3e15).storeMillis == Int64.min)
        #expect(Date(timeIntervalSince1970: .infinity).storeMillis == Int64.max)
        #expect(Date(timeIntervalSince1970: .nan).storeMillis == 0)
        #expect(Date(timeIntervalSince1970: 1.5).storeMillis == 1500)
    }
}
