import LanguageServer
import XCTest

/// The base protocol's framing on real byte sequences: split and joined
/// frames, bad headers, oversized bodies, and recovery after each.
final class MessageFramerTests: XCTestCase {
    func frame(_ body: String) -> [UInt8] { MessageFramer.frame(body) }

    func testFramesSplitAnywhereAndJoinedComeOutWhole() {
        let stream = frame(#"{"a":1}"#) + frame(#"{"b":"é"}"#)
        for cut in 0...stream.count {
            var framer = MessageFramer()
            let frames = framer.feed(stream[..<cut]) + framer.feed(stream[cut...])
            XCTAssertEqual(frames, [.message(Array(#"{"a":1}"#.utf8)), .message(Array(#"{"b":"é"}"#.utf8))], "cut at \(cut)")
        }
    }

    func testOtherHeadersAreIgnoredAndTheLengthIsBytes() {
        var framer = MessageFramer()
        let body = Array(#"{"x":"ü"}"#.utf8)
        let frames = framer.feed(Array("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: \(body.count)\r\n\r\n".utf8) + body)
        XCTAssertEqual(frames, [.message(body)])
    }

    func testABadHeaderIsAFaultAndTheNextFrameIsServed() {
        var framer = MessageFramer()
        var frames = framer.feed(Array("Content-Type: x\r\n\r\n{}garbage".utf8))
        frames += framer.feed(frame("{}"))
        XCTAssertEqual(frames.count, 2)
        guard case .fault(let fault) = frames[0] else { return XCTFail("\(frames)") }
        XCTAssertEqual(fault.code, -32700)
        XCTAssertEqual(frames[1], .message(Array("{}".utf8)))

        var lengths = MessageFramer()
        let bad = lengths.feed(Array("Content-Length: -3\r\n\r\n".utf8) + frame("[]"))
        XCTAssertEqual(bad.count, 2)
        XCTAssertEqual(bad[1], .message(Array("[]".utf8)))
    }

    func testAnOversizedBodyIsSkippedWithoutBeingHeld() {
        var framer = MessageFramer(maxContentLength: 16)
        let big = Array(repeating: UInt8(ascii: "x"), count: 1000)
        var frames = framer.feed(Array("Content-Length: 1000\r\n\r\n".utf8) + big[..<500])
        frames += framer.feed(big[500...])
        frames += framer.feed(frame("{}"))
        XCTAssertEqual(frames.count, 2)
        guard case .fault(let fault) = frames[0] else { return XCTFail("\(frames)") }
        XCTAssertEqual(fault.code, -32600)
        XCTAssertEqual(frames[1], .message(Array("{}".utf8)))
    }

    func testAnEndlessHeaderIsAFault() {
        var framer = MessageFramer()
        let frames = framer.feed(Array(repeating: UInt8(ascii: "a"), count: 9000))
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(framer.feed(frame("{}")).last, .message(Array("{}".utf8)))
    }
}
