import Foundation
import XCTest

/// The fuzz target must keep compiling against the current sources, and a
/// short fixed-seed run over every reader must exit 0: an API change that
/// breaks fuzz/FuzzTarget.swift fails CI the day it happens (issue 14).
/// Built with -Onone (about a minute on 2 cores; -O takes ~3.5 minutes).
final class FuzzBuildTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = repository
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testFuzzTargetBuildsAndSmokeRunExitsZero() throws {
        let build = "fuzz/.build-ci"
        let (status, log) = try run(["sh", "fuzz/build.sh"], environment: ["FUZZ_OPT": "-Onone", "FUZZ_BUILD": build])
        XCTAssertEqual(status, 0, "fuzz/build.sh failed:\n\(log.suffix(4000))")
        guard status == 0 else { return }

        // One seed per reader, so the smoke run enters all five.
        let seeds = repository.appendingPathComponent(build + "/smoke-seeds")
        try? FileManager.default.removeItem(at: seeds)
        try FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
        let stream = try String(contentsOf: repository.appendingPathComponent("charts-fixtures/rendered/bijux-atlas.yaml"), encoding: .utf8)
        let body = #"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#
        let inputs = ["0" + stream, "1a: 1\u{0}b.c=2\nd=x", "2{\"contract_version\": \"1\"}", "3a: 1\u{0}" + stream,
                      "4Content-Length: \(body.utf8.count)\r\n\r\n" + body]
        for (index, input) in inputs.enumerated() {
            try Data(input.utf8).write(to: seeds.appendingPathComponent("seed-\(index)"))
        }
        let corpus = repository.appendingPathComponent(build + "/smoke-corpus")
        try? FileManager.default.removeItem(at: corpus)
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let (smoke, output) = try run([build + "/render-check-fuzz", corpus.path, seeds.path, "-seed=1", "-runs=300",
                                       "-max_total_time=30", "-timeout=10", "-rss_limit_mb=2048",
                                       "-dict=fuzz/yaml.dict", "-artifact_prefix=" + build + "/"],
                                      environment: ["LSAN_OPTIONS": "suppressions=fuzz/lsan.supp:print_suppressions=0"])
        XCTAssertEqual(smoke, 0, "fuzz smoke run failed:\n\(output.suffix(4000))")
        XCTAssertTrue(output.contains("Done 300 runs") || output.contains("runs in"), output.suffix(2000).description)
    }
}
