import ManifestModel
import ValuesAnchors
import XCTest

/// `--set` as Helm's strvals parser reads it, checked against Helm itself.
final class SetExpressionTests: XCTestCase {
    func parsed(_ text: String, argument: Int = 1, forceString: Bool = false,
                file: StaticString = #filePath, line: UInt = #line) -> ValuesNode? {
        do throws(ValuesError) {
            return try SetExpression(text, argument: argument, forceString: forceString).parse()
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return nil
        }
    }

    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        parsed(text, file: file, line: line)?.jsonText
    }

    func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ValuesError? {
        do throws(ValuesError) {
            let values = try SetExpression(text, argument: 3).parse()
            XCTFail("\(text) parsed to \(values.jsonText)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Typing

    func testTypesFollowHelmTypedVal() {
        XCTAssertEqual(json("a=1,b=-5,c=+5,d=0,e=-0"), #"{"a":1,"b":-5,"c":5,"d":0,"e":0}"#)
        XCTAssertEqual(json("a=0755,b=00,c=1.5,d=1e3,e=0x10,f=1_000"),
                       #"{"a":"0755","b":"00","c":"1.5","d":"1e3","e":"0x10","f":"1_000"}"#)
        XCTAssertEqual(json("a=true,b=FALSE,c=tRuE,d=null,e=NULL,f=yes,g=~"),
                       #"{"a":true,"b":false,"c":true,"d":null,"e":null,"f":"yes","g":"~"}"#)
        XCTAssertEqual(json("a=9223372036854775807,b=9223372036854775808,c=-9223372036854775808"),
                       #"{"a":9223372036854775807,"b":"9223372036854775808","c":-9223372036854775808}"#)
        XCTAssertEqual(json("a=,b=\"q\",c=1 "), #"{"a":"","b":"\"q\"","c":"1 "}"#)
        XCTAssertEqual(parsed("port=8080,on=true", forceString: true)?.jsonText, #"{"on":"true","port":"8080"}"#)
    }

    func testStructureListsAndEscapes() {
        XCTAssertEqual(json("a.b=1,a.c=2"), #"{"a":{"b":1,"c":2}}"#)
        XCTAssertEqual(json("list[0]=x"), #"{"list":["x"]}"#)
        XCTAssertEqual(json("a.b[1].c=x"), #"{"a":{"b":[null,{"c":"x"}]}}"#)
        XCTAssertEqual(json("a={x,y,1,true},b={}"), #"{"a":["x","y",1,true],"b":[""]}"#)
        XCTAssertEqual(json(#"a\.b=c,d=x\,y,e\=f=g,h={p\,q,r}"#), #"{"a.b":"c","d":"x,y","e=f":"g","h":["p,q","r"]}"#)
        XCTAssertEqual(json("a.b=1,a=2"), #"{"a":2}"#)
        XCTAssertEqual(json("a[1].b=x,a[0]=y"), #"{"a":["y",{"b":"x"}]}"#)
        XCTAssertEqual(json("a[1][0]=x"), #"{"a":[null,["x"]]}"#)
    }

    func testQuirksOfHelmsParserAreKept() {
        // Helm ends quietly where the text runs out inside a key.
        XCTAssertEqual(json("a."), "{}")
        XCTAssertEqual(json("a[0"), "{}")
        XCTAssertEqual(json("a[0]"), #"{"a":[]}"#)
        XCTAssertEqual(json("a[0].b="), #"{"a":[]}"#)
        XCTAssertEqual(json("=x,.y=z"), "{}")
        XCTAssertEqual(json("a=1,"), #"{"a":1}"#)
        XCTAssertEqual(json("a=x{y}"), #"{"a":"x{y}"}"#)
        XCTAssertEqual(json("a]=1"), #"{"a]":1}"#)
    }

    // MARK: - Positions

    func testOriginsNameArgumentAndColumn() throws {
        let values = try XCTUnwrap(parsed("image.tag=v1,ports={80,443}", argument: 4))
        let tag = try XCTUnwrap(values.node(at: ValuesPath("image.tag")!))
        XCTAssertEqual(tag.origin, SourceLocation(file: "--set", span: Span(start: Mark(line: 4, column: 1), end: Mark(line: 4, column: 13))))
        XCTAssertEqual(values.keyLocation(at: ValuesPath("image.tag")!)?.span.start, Mark(line: 4, column: 7))
        let ports = try XCTUnwrap(values.node(at: ValuesPath("ports")!))
        XCTAssertEqual(ports.origin.span.start, Mark(line: 4, column: 14))
        XCTAssertEqual(ports.origin.span.end, Mark(line: 4, column: 28))
        XCTAssertEqual(ports[1]?.origin.span.start, Mark(line: 4, column: 24))
        XCTAssertEqual(ports[1]?.scalarValue, .int(443))
        // Columns count Unicode scalars, as everywhere else.
        let unicode = try XCTUnwrap(parsed("é=1,ü=2"))
        XCTAssertEqual(unicode.node(at: ValuesPath("ü")!)?.origin.column, 5)
        XCTAssertEqual(parsed("a=1", forceString: true)?.node(at: ValuesPath("a")!)?.origin.file, "--set-string")
    }

    func testErrorsNameTheColumnOfTheProblem() throws {
        let cases: [(String, Int, String)] = [
            ("a", 1, "key \"a\" has no value"),
            ("x=1,a,b=1", 5, "key \"a\" has no value (cannot end with ,)"),
            ("a.=x", 1, "key map \"a\" has no value"),
            ("a={x", 3, "list must terminate with '}'"),
            ("a={x,y}z", 8, "key \"z\" has no value"),
            ("a[-1]=x", 3, "negative -1 index not allowed"),
            ("a[ 1]=x", 3, "error parsing index: strconv.Atoi: parsing \" 1\": invalid syntax"),
            ("a[65537]=x", 3, "index of 65537 is greater than maximum supported index of 65536"),
            ("a[0]x=1", 5, "unexpected data at end of array index: \"x\""),
            ("a=2,a.b=1", 5, "unable to parse key: \"a\" is a number, not a map"),
            ("a=x,a[0]=1", 5, "unable to parse key: \"a\" is a string, not a list"),
        ]
        for (text, column, problem) in cases {
            let error = try XCTUnwrap(failure(text), text)
            XCTAssertEqual(error.kind, .badSetExpression, text)
            XCTAssertEqual(error.location.file, "--set", text)
            XCTAssertEqual(error.location.line, 3, text)
            XCTAssertEqual(error.location.column, column, text)
            XCTAssertEqual(error.problem, problem, text)
        }
    }

    func testLimitsHoldWithoutCrashing() throws {
        XCTAssertEqual(parsed("a[65536]=x")?["a"]?.items?.count, 65537)
        let deepNames = (0..<31).map { "k\($0)" }.joined(separator: ".") + "=1"
        XCTAssertNotNil(parsed(deepNames))
        let tooDeepNames = (0..<32).map { "k\($0)" }.joined(separator: ".") + "=1"
        XCTAssertTrue(failure(tooDeepNames)?.problem.contains("nested level") ?? false)
        let brackets = "a" + String(repeating: "[0]", count: 5000) + "=x"
        XCTAssertTrue(failure(brackets)?.problem.contains("nests deeper") ?? false)
    }

    // MARK: - Applied onto values (ParseInto)

    func testApplyPatchesExistingValuesInPlace() throws {
        let origin = SourceLocation(file: "values.yaml", line: 1, column: 1)
        var values = ValuesNode.map([
            .init(key: "list", keyLocation: origin, node: .list([.scalar(.string("p"), origin: origin),
                                                                 .scalar(.string("q"), origin: origin)], origin: origin)),
            .init(key: "m", keyLocation: origin, node: .map([.init(key: "keep", keyLocation: origin,
                                                                   node: .scalar(.int(1), origin: origin))], origin: origin)),
            .init(key: "s", keyLocation: origin, node: .scalar(.string("text"), origin: origin)),
            .init(key: "n", keyLocation: origin, node: .scalar(.null, origin: origin)),
        ], origin: origin)
        try SetExpression("list[1]=x,list[3]=z,m.new=2").apply(to: &values)
        XCTAssertEqual(values.jsonText, #"{"list":["p","x",null,"z"],"m":{"keep":1,"new":2},"n":null,"s":"text"}"#)
        XCTAssertEqual(values["list"]?[0]?.origin, origin)
        XCTAssertEqual(values["list"]?[1]?.origin.file, "--set")
        XCTAssertEqual(values["m"]?.origin, origin, "a map --set adds to keeps its origin")

        for text in ["s.x=1", "n.x=1", "m[0]=1", "n[0]=1"] {
            var copy = values
            XCTAssertThrowsError(try SetExpression(text).apply(to: &copy), text)
        }
    }

    // MARK: - Parity with Helm

    /// Expressions Helm's own parser reads; render-check must read each the
    /// same way (same values, same types) and reject the same ones.
    static let parityExpressions: [String] = [
        "a=1", "a=0755", "a=-5", "a=+5", "a=1.5", "a=true", "a=True", "a=null", "a=", "a={x,y}", "a[0]=x",
        "a.b[1].c=x", #"a\.b=c"#, #"a=x\,y"#, "a=0", "a=-0", "a=00", "a=1e3", "a=9223372036854775808",
        "a=9223372036854775807", "a=-9223372036854775808", "a=0x10", "a=\"q\"", "a=b=c", "a", "a.b=1,a.c=2",
        "a[1]=x", "a={}", "a={x}", "name={a,b},c=d", "a=1_000", "a=-", "a=~", "a=NULL", "a=False", "a.", "a[0]",
        "a[0].b=", "a[0].b=,c=1", ".a=x", "=x", "a.=x", "a,b=1", "a=1,", "a=1,,b=2", ",a=1", "a={x,y}z",
        "a={x", "a=x{y}", "a={1,true,null,0755}", "a[1][0]=x", "a[0][0]", "a[-1]=x", "a[+1]=x", "a[01]=x",
        "a[ 1]=x", "a[65537]=x", "a[x]=1", "a[0]x=1", "a[0", "a]=1", #"a\"#, #"a=\"#, #"a=x\"#, "a.b=1,a=2",
        "a=2,a.b=1", "a[0]=1,a.b=2", "a=x,a[0]=1", "a=tRuE", "a=fal\u{17F}e", "a=+0", "a=-05", "a=1 ", " a=1",
        "a = 1", "a=é,ü=1", "a[0].b[1].c=x,a[0].d=y", "a[1].b=x,a[0]=y", "a[0]=y,a[0].b=x", "a={,}",
        #"a={a\,b,c}"#, "a=x,", #"a\=b=c"#, "a=null,b=NuLL", "service.port=8080,service.type=NodePort",
        "image.tag=v1.2.3", "podAnnotations.prometheus\\.io/scrape=true", "a[2]=x,a[0]=y", "a.b.c=1,a.b.d=2,a.e=3",
        "a=1,a=2", "a.b=x,a.b.c=y", "a[0]=x,a[0][1]=y", "a[0][1]=y,a[0]=x", "a={x,y},a[1]=z", "a[0]=x,a={y}",
        "a.b[0]=x,a.b[0].c=y", "a=[1,2]", "a={{x}}", "a={x}}", "a=}", "a={x},b", "a.b.c", "a..b=1", "a[]=1",
        "a[0]]=1", "a[0].=1", "a[0]..b=1", "k=-1.5", "k=1e", "k=12abc", "k=-", "k=+", "k=0.0", "k=007",
        "k=-007", "k=--1", "a[99999999999999999999]=x", "a[-99999999999999999999]=x", "k=\u{00A0}1", "x.y.z[3].w=1", "", ",", "a=b,c=d,e=f", "emoji=😀,😀=1",
    ]

    func testParityWithHelmsParser() throws {
        var cases: [HelmPython.Case] = []
        var forced: [Bool] = []
        for force in [false, true] {
            for text in SetExpressionTests.parityExpressions {
                var mine: String?
                do throws(ValuesError) {
                    mine = try SetExpression(text, forceString: force).parse().jsonText
                } catch {
                    mine = nil
                }
                cases.append(HelmPython.Case(mode: "set", expression: text, forceString: force, mine: mine))
                forced.append(force)
            }
        }
        let answers = try HelmPython.answers(cases)
        var disagreements = 0
        for (index, answer) in answers.enumerated() where !answer.equal {
            disagreements += 1
            XCTFail("""
                \(forced[index] ? "--set-string" : "--set") \(cases[index].expression ?? ""): \
                render-check \(answer.mine ?? (cases[index].mine == nil ? "error" : "?")), \
                Helm \(answer.helm ?? "error: \(answer.helmError ?? "")")
                """)
        }
        XCTAssertEqual(disagreements, 0)
        XCTAssertGreaterThan(cases.count, 200)
    }
}
