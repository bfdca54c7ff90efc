import Foundation
import XCTest

/// Runs `python3` for the checks only Python can make: its `json` module's
/// exact bytes and the `jsonschema` validator.
enum Python {
    struct Outcome {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// The repository root: `#filePath` is `<root>/Tests/ReportingTests/Python.swift`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ script: String, arguments: [String] = [], stdin: Data = Data()) throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("stdin")
        let output = folder.appendingPathComponent("stdout")
        let errors = folder.appendingPathComponent("stderr")
        try stdin.write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        let inputHandle = try FileHandle(forReadingFrom: input)
        let outputHandle = try FileHandle(forWritingTo: output)
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer {
            try? inputHandle.close()
            try? outputHandle.close()
            try? errorHandle.close()
        }
        process.standardInput = inputHandle
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        try process.run()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: try Data(contentsOf: output),
                       stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }

    /// `json.dumps(json.load(stdin), indent=2, sort_keys=True)` printed: the
    /// bytes our serializer must reproduce.
    static func redump(_ json: String) throws -> String {
        let script = "import json,sys; print(json.dumps(json.load(sys.stdin), indent=2, sort_keys=True))"
        let outcome = try run(script, stdin: Data(json.utf8))
        XCTAssertEqual(outcome.status, 0, "python3 json failed: \(outcome.stderr)")
        return String(decoding: outcome.stdout, as: UTF8.self)
    }

    static let validatorScript = """
        import json, sys
        try:
            import jsonschema
        except ImportError as error:
            sys.stderr.write("the Python package jsonschema is not installed (pip install jsonschema; CI installs it): %s\\n" % error)
            sys.exit(3)
        with open(sys.argv[1], encoding="utf-8") as handle:
            schema = json.load(handle)
        with open(sys.argv[2], encoding="utf-8") as handle:
            document = json.load(handle)
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = validator_class(schema, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(document), key=lambda error: [str(part) for part in error.absolute_path])
        for error in errors:
            print("/".join(str(part) for part in error.absolute_path) or "(root)", "-", error.message[:300])
        print(validator_class.__name__, len(errors), "errors")
        sys.exit(1 if errors else 0)
        """

    /// Validates `document` against the JSON Schema at `schemaPath` with the
    /// real `jsonschema` package. Returns the validator's output; fails the
    /// test (never skips) when `jsonschema` cannot be imported.
    @discardableResult
    static func validate(_ document: String, schema schemaPath: String, expectValid: Bool = true,
                         file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let documentPath = folder.appendingPathComponent("document.json").path
        try Data(document.utf8).write(to: URL(fileURLWithPath: documentPath))
        let outcome = try run(validatorScript, arguments: [schemaPath, documentPath])
        let output = String(decoding: outcome.stdout, as: UTF8.self)
        if outcome.status == 3 {
            XCTFail(outcome.stderr, file: file, line: line)
        } else if expectValid {
            XCTAssertEqual(outcome.status, 0, "not valid against \(schemaPath):\n\(output)\(outcome.stderr)", file: file, line: line)
        } else {
            XCTAssertEqual(outcome.status, 1, "expected validation errors against \(schemaPath):\n\(output)\(outcome.stderr)",
                           file: file, line: line)
        }
        return output
    }
}
