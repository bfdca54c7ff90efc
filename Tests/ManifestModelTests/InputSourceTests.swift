import ManifestModel
import XCTest

/// Files and in-memory buffers go through the same libyaml read handler, so
/// they yield the same documents, resources and positions.
final class InputSourceTests: XCTestCase {
    private func summary(_ resource: Resource) -> String {
        var parts = ["\(resource.location)", resource.kindName, resource.nameValue,
                     "\(resource.source?.value ?? "-")@\(resource.source?.location.description ?? "-")"]
        for port in resource.service?.ports ?? [] {
            parts.append("port \(port.port?.value.description ?? "-")@\(port.port?.location.description ?? "-")")
        }
        for container in resource.workload?.containers ?? [] {
            for port in container.ports {
                parts.append("containerPort \(port.containerPort?.value.description ?? "-")@\(port.location)")
            }
        }
        for pair in resource.workload?.templateLabels?.pairs ?? [] {
            parts.append("label \(pair.key.value)=\(pair.value.value)@\(pair.value.location)")
        }
        return parts.joined(separator: " ")
    }

    func testFileAndBytesGiveIdenticalDocuments() throws {
        for name in ["helm-template.yaml", "kubectl-list.json", "workloads.yaml"] {
            let path = Fixture.path(name)
            let fromFile = try YAMLStreamParser.documents(.file(path))
            let fromBytes = try YAMLStreamParser.documents(.bytes(try Fixture.bytes(name), name: path))
            XCTAssertEqual(fromFile.count, fromBytes.count, name)
            XCTAssertGreaterThan(fromFile.count, 0, name)
            for (a, b) in zip(fromFile, fromBytes) {
                XCTAssertEqual(a.flattened(), b.flattened(), "\(name) document \(a.index)")
                XCTAssertEqual(a.span, b.span)
                XCTAssertEqual(a.source, b.source)
                XCTAssertEqual(a.file, b.file)
            }
        }
    }

    func testFileAndBytesGiveIdenticalResources() throws {
        for name in ["helm-template.yaml", "kubectl-list.json", "workloads.yaml"] {
            let path = Fixture.path(name)
            let fromFile = ManifestReader.read(.file(path))
            let fromBytes = ManifestReader.read(.bytes(try Fixture.bytes(name), name: path))
            XCTAssertEqual(fromFile.resources.map(summary), fromBytes.resources.map(summary), name)
            XCTAssertEqual(fromFile.notices, fromBytes.notices, name)
            XCTAssertEqual(fromFile.documents, fromBytes.documents, name)
        }
    }

    func testLargeStreamGivesEverySourceAcrossReadBoundaries() throws {
        // Long `# Source:` lines make libyaml's 16 KiB reads split many of them.
        let directory = String(repeating: "nested/", count: 30)
        var text = ""
        for index in 0..<400 {
            text += "---\n# Source: chart/templates/\(directory)t\(index).yaml\nkind: ConfigMap\nmetadata:\n  name: c\(index)\n"
        }
        let bytes = Array(text.utf8)
        XCTAssertGreaterThan(bytes.count, 5 * 16384)
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-\(UUID().uuidString).yaml")
        try Data(bytes).write(to: temporary)
        defer { try? FileManager.default.removeItem(at: temporary) }

        for source in [InputSource.bytes(bytes, name: "big.yaml"), .file(temporary.path)] {
            let documents = try YAMLStreamParser.documents(source)
            XCTAssertEqual(documents.count, 400)
            for (index, document) in documents.enumerated() {
                XCTAssertEqual(document.source?.value, "chart/templates/\(directory)t\(index).yaml")
                XCTAssertEqual(document.source?.location.line, 5 * index + 2)
            }
        }
    }

    func testDisplayNames() {
        XCTAssertEqual(InputSource.file("a/b.yaml").displayName, "a/b.yaml")
        XCTAssertEqual(InputSource.standardInput.displayName, "<stdin>")
        XCTAssertEqual(InputSource.bytes([], name: "buffer").displayName, "buffer")
    }
}
