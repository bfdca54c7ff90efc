import CYaml
import XCTest

/// The system library target links Debian's libyaml, not a vendored copy.
final class LibyamlLinkTests: XCTestCase {
    func testLinksLibyamlZeroPointTwo() {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        yaml_get_version(&major, &minor, &patch)
        XCTAssertEqual(major, 0)
        XCTAssertGreaterThanOrEqual(minor, 2)
        XCTAssertEqual(String(cString: yaml_get_version_string()), "\(major).\(minor).\(patch)")
    }

    func testParsesAStreamThroughTheEventAPI() {
        var parser = yaml_parser_t()
        XCTAssertEqual(yaml_parser_initialize(&parser), 1)
        defer { yaml_parser_delete(&parser) }
        let input = Array("a: 1\n".utf8)
        var types: [yaml_event_type_t] = []
        input.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { break }
                types.append(event.type)
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                if done { break }
            }
        }
        XCTAssertEqual(types, [YAML_STREAM_START_EVENT, YAML_DOCUMENT_START_EVENT, YAML_MAPPING_START_EVENT,
                               YAML_SCALAR_EVENT, YAML_SCALAR_EVENT, YAML_MAPPING_END_EVENT,
                               YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT])
    }
}
