import Foundation
import XCTest

/// Random input, reproducibly: pure random bytes, random YAML-ish token soup
/// and random mutations of the fixture stream, each under several seeds,
/// through every command; and random bytes as a contract, an allowlist and
/// a values file. Every run ends with 0, 1 or 2 within the bounds, and every
/// exit 2 names the file with a line and column.
final class RandomBytesTests: XCTestCase {
    /// SplitMix64: small, fast and the same on every machine.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [UInt64] = [1, 2, 3, 5, 8, 13, 21, 34]

    static func randomBytes(seed: UInt64) -> [UInt8] {
        var generator = Generator(seed: seed)
        let count = Int.random(in: 1...(256 << 10), using: &generator)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static let tokens = [
        "- ", ": ", "\n", "\n  ", "\n    ", "  ", "{", "}", "[", "]", ", ", "&a ", "*a", "&b ", "*b", "!!str ", "!!map ", "!custom ",
        "'", "\"", "\\", "# Source: bijux-atlas/templates/service.yaml\n", "#", "\n---\n", "\n...\n", "? ", "|\n", ">-\n",
        "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "kind", "Service", "Deployment", "List", "items", "apiVersion: v1", "metadata",
        "name", "namespace", "spec", "ports", "port", "targetPort", "selector", "matchLabels", "labels", "template",
        "app.kubernetes.io/name", "atlas-e2e-bijux-atlas", "8080", "-1", "0x1F", "1e400", ".inf", "null", "~", "true",
        "<<", "\t", "\r\n", "\u{FEFF}", "é", "\u{1F600}", "@", "`", "%", "|", "=", "\0",
    ]

    static func tokenSoup(seed: UInt64) -> [UInt8] {
        var generator = Generator(seed: seed)
        let count = Int.random(in: 1...20_000, using: &generator)
        var text = ""
        for _ in 0..<count { text += tokens.randomElement(using: &generator)! }
        return Array(text.utf8)
    }

    static func mutated(_ base: [UInt8], seed: UInt64) -> [UInt8] {
        var generator = Generator(seed: seed)
        var bytes = base
        for _ in 0..<Int.random(in: 1...40, using: &generator) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
            case 2: bytes.remove(at: at)
            case 3:
                let length = Int.random(in: 1...min(200, bytes.count - at), using: &generator)
                let copy = Array(bytes[at..<(at + length)])
                bytes.insert(contentsOf: copy, at: Int.random(in: 0...bytes.count, using: &generator))
            default:
                bytes.insert(contentsOf: Array(tokens.randomElement(using: &generator)!.utf8), at: at)
            }
        }
        return bytes
    }

    /// Each command on `name`: bounded, and an exit 2 names the input at a position.
    private func assertSurvives(_ name: String, in scratch: Scratch, file: StaticString = #filePath, line: UInt = #line) throws {
        let chart = ["--chart", BoundedRun.fixtureChart, "--release", "atlas-e2e", "--namespace", "atlas-e2e"]
        for arguments in [["resources", name], BoundedRun.checkArguments(chart + [name]), ["blame"] + chart + [name]] {
            let result = assertBounded(try BoundedRun.run(arguments, in: scratch.root), file: file, line: line)
            if result.status == 2 {
                assertPositioned(result, file: name, "error", file: file, line: line)
            }
        }
    }

    func testRandomBytes() throws {
        let scratch = try Scratch("random")
        for seed in Self.seeds {
            let name = "random-\(seed).yaml"
            try scratch.write(name, Self.randomBytes(seed: seed))
            try assertSurvives(name, in: scratch)
        }
    }

    func testRandomTokenSoup() throws {
        let scratch = try Scratch("soup")
        for seed in Self.seeds {
            let name = "soup-\(seed).yaml"
            try scratch.write(name, Self.tokenSoup(seed: seed))
            try assertSurvives(name, in: scratch)
        }
    }

    func testRandomMutationsOfTheFixtureStream() throws {
        let scratch = try Scratch("mutations")
        let base = Array(try Data(contentsOf: URL(fileURLWithPath: BoundedRun.fixtureRendered)))
        for seed in Self.seeds + [55, 89, 144, 233] {
            let name = "mutated-\(seed).yaml"
            try scratch.write(name, Self.mutated(base, seed: seed))
            try assertSurvives(name, in: scratch)
        }
    }

    func testRandomBytesAsContractAllowlistAndValues() throws {
        let scratch = try Scratch("random-files")
        let contract = Array(try Data(contentsOf: URL(fileURLWithPath: BoundedRun.contract)))
        let allowlist = Array(try Data(contentsOf: URL(fileURLWithPath: BoundedRun.fixtureAllowlist)))
        for seed in Self.seeds.prefix(4) {
            let inputs: [(String, [UInt8])] = [
                ("c-random-\(seed).json", Self.randomBytes(seed: seed)),
                ("c-mutated-\(seed).json", Self.mutated(contract, seed: seed)),
                ("a-random-\(seed).json", Self.randomBytes(seed: seed &+ 100)),
                ("a-mutated-\(seed).json", Self.mutated(allowlist, seed: seed)),
                ("v-soup-\(seed).yaml", Self.tokenSoup(seed: seed &+ 200)),
            ]
            for (name, bytes) in inputs {
                try scratch.write(name, bytes)
                let arguments: [String]
                switch name.first {
                case "c": arguments = ["check", "--no-config", "--contract", name, BoundedRun.fixtureRendered]
                case "a": arguments = BoundedRun.checkArguments(["--allowlist", name, BoundedRun.fixtureRendered])
                default: arguments = ["blame", "--chart", BoundedRun.fixtureChart, "-f", name, BoundedRun.fixtureRendered]
                }
                let result = assertBounded(try BoundedRun.run(arguments, in: scratch.root))
                if result.status == 2 {
                    assertPositioned(result, file: name, "error")
                }
            }
        }
    }
}
