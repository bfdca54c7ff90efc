import Foundation
import ManifestModel
import XCTest

/// Fixture files next to these tests, found from this file's own path so the
/// tests run from any working directory and any scratch path.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func documents(_ name: String, limits: ParseLimits = .default) throws -> [YAMLDocument] {
        try YAMLStreamParser.documents(.file(path(name)), limits: limits)
    }
}

/// Parses a small inline stream (for edge cases too small to deserve a file).
func parse(_ text: String, name: String = "inline.yaml", limits: ParseLimits = .default) throws -> [YAMLDocument] {
    try YAMLStreamParser.documents(.bytes(Array(text.utf8), name: name), limits: limits)
}

/// The error reading `source` must end with; fails the test when it parses.
func parseError(_ source: InputSource, limits: ParseLimits = .default,
                file: StaticString = #filePath, line: UInt = #line) -> YAMLError? {
    do throws(YAMLError) {
        let documents = try YAMLStreamParser.documents(source, limits: limits)
        XCTFail("expected a YAMLError, got \(documents.count) document(s)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

func parseError(_ text: String, name: String = "inline.yaml", limits: ParseLimits = .default,
                file: StaticString = #filePath, line: UInt = #line) -> YAMLError? {
    parseError(.bytes(Array(text.utf8), name: name), limits: limits, file: file, line: line)
}

func parseError(bytes: [UInt8], name: String = "inline.yaml", limits: ParseLimits = .default,
                file: StaticString = #filePath, line: UInt = #line) -> YAMLError? {
    parseError(.bytes(bytes, name: name), limits: limits, file: file, line: line)
}

/// One step of a path into a document: a mapping key or a sequence index.
enum PathStep: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)

    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }
}

extension YAMLDocument {
    /// The node at `path` from the root, as stored (an alias stays an alias);
    /// collections on the way are entered through aliases. With duplicate
    /// keys the last one is taken, as Kubernetes' decoder does.
    func node(_ path: PathStep...) -> NodeID? {
        lookup(path)?.value
    }

    /// The key node of the last step of `path`, which must be a key.
    func keyNode(_ path: PathStep...) -> NodeID? {
        lookup(path)?.key
    }

    private func lookup(_ path: [PathStep]) -> (key: NodeID?, value: NodeID)? {
        guard var current = root else { return nil }
        var currentKey: NodeID?
        for step in path {
            let collection = resolved(current)
            switch step {
            case .key(let name):
                guard kind(collection) == .mapping else { return nil }
                let keys = self.keys(collection), values = self.values(collection)
                guard let slot = keys.indices.last(where: { kind(keys[$0]) == .scalar && text(keys[$0]) == name })
                else { return nil }
                currentKey = keys[slot]
                current = values[slot]
            case .index(let index):
                let items = self.items(collection)
                guard kind(collection) == .sequence, items.indices.contains(index) else { return nil }
                currentKey = nil
                current = items[index]
            }
        }
        return (currentKey, current)
    }

    /// Every node reachable from the root in document order (aliases are
    /// listed, not entered), with what a reader sees of it.
    func flattened() -> [NodeSummary] {
        guard let root else { return [] }
        var result: [NodeSummary] = []
        var pending = [root]
        while let id = pending.popLast() {
            result.append(NodeSummary(kind: kind(id), span: span(id), text: kind(id) == .scalar ? text(id) : "",
                                      tag: tag(id), anchor: anchor(id)))
            switch kind(id) {
            case .mapping:
                for (key, value) in zip(keys(id), values(id)).reversed() {
                    pending.append(value)
                    pending.append(key)
                }
            case .sequence:
                pending.append(contentsOf: items(id).reversed())
            case .scalar, .alias:
                break
            }
        }
        return result
    }
}

struct NodeSummary: Equatable {
    var kind: NodeKind
    var span: Span
    var text: String
    var tag: String?
    var anchor: String?
}

/// `Mark` and `Span` from compact literals, for exact position assertions.
func mark(_ line: Int, _ column: Int) -> Mark { Mark(line: line, column: column) }

func span(_ startLine: Int, _ startColumn: Int, _ endLine: Int, _ endColumn: Int) -> Span {
    Span(start: Mark(line: startLine, column: startColumn), end: Mark(line: endLine, column: endColumn))
}

/// Asserts a located value's text and the line:column where it starts.
func assertLocated<Value: Equatable>(_ located: Located<Value>?, _ value: Value, at line: Int, _ column: Int,
                                     file: StaticString = #filePath, line testLine: UInt = #line) {
    guard let located else {
        XCTFail("missing value, expected \(value) at \(line):\(column)", file: file, line: testLine)
        return
    }
    XCTAssertEqual(located.value, value, file: file, line: testLine)
    XCTAssertEqual(located.location.span.start, Mark(line: line, column: column), file: file, line: testLine)
}
