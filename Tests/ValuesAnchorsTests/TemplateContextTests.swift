import Foundation
import ManifestModel
import ValuesAnchors
import XCTest

/// Helper calls with any context expression, and the functions that move
/// values around, each on a small chart written here and rendered by the
/// real Helm binary: the owner the reading names is checked against the
/// rendered value Helm printed.
final class TemplateContextTests: XCTestCase {
    static let values = """
        nameOverride: ""
        image:
          registry: reg.example
          repository: app
          tag: "1.0"
        service:
          port: 8080
          name: ""
        extra:
          a:
            b: deep
        ports:
          http: 80
          admin: 9000
        probe:
          enabled: true
          periodSeconds: 10
        agent:
          enabled: false
          image: agent
        mode: ""
        fallback: ""
        message: hello
        timeout: 5
        """

    static let helpers = """
        {{- define "t.name" -}}
        {{- default .Chart.Name .Values.nameOverride -}}
        {{- end -}}
        {{- define "t.image" -}}
        {{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag }}
        {{- end -}}
        {{- define "t.port" -}}
        {{ .svc.port }}
        {{- end -}}
        {{- define "t.ctxImage" -}}
        {{ .ctx.Values.image.repository }}
        {{- end -}}
        {{- define "t.agentAware" -}}
        {{- if .isAgent }}{{ .Values.agent.image }}{{ else }}{{ .Values.image.repository }}{{ end -}}
        {{- end -}}
        {{- define "t.accountName" -}}
        {{- default (include "t.name" .) .Values.service.name -}}
        {{- end -}}
        {{- define "t.first" -}}
        {{ index . 0 }}
        {{- end -}}
        """

    static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ include "t.name" . }}
        data:
          dot: {{ include "t.image" . }}
          dollar: {{ include "t.image" $ }}
          dictSvc: {{ include "t.port" (dict "ctx" $ "svc" .Values.service) | quote }}
          dictCtx: {{ include "t.ctxImage" (dict "ctx" $) }}
          mergeDict: {{ include "t.agentAware" (merge (dict "isAgent" false) $) }}
          pipeMerge: {{ include "t.agentAware" ($ | merge (dict "isAgent" false)) }}
          deepCopy: {{ include "t.image" (deepCopy $) }}
          list: {{ include "t.first" (list .Values.message "x") }}
          account: {{ include "t.accountName" . }}
          index: {{ index .Values.extra "a" "b" }}
          get: {{ get .Values.image "tag" | quote }}
          dig: {{ dig "a" "b" "none" .Values.extra }}
          coalesce: {{ coalesce .Values.fallback .Values.message }}
          printf: {{ printf "%s-%d" .Values.message (int .Values.timeout) }}
          required: {{ required "a message is required" .Values.message }}
          tpl: {{ tpl .Values.message . }}
          add1: {{ add1 .Values.timeout | quote }}
          {{- with .Values.probe }}
          withDot: {{ .periodSeconds | quote }}
          {{- end }}
          {{- with .Values.mode }}
          withMode: {{ . }}
          {{- else }}
          withElse: none
          {{- end }}
          {{- range $name, $port := .Values.ports }}
          port-{{ $name }}: {{ $port | quote }}
          {{- end }}
          switch: {{ if eq .Values.service.name "" }}unnamed{{ else }}named{{ end }}
          {{- if .Values.agent.enabled }}
          agent: {{ .Values.agent.image }}
          {{- end }}
        """

    var chart = ""
    var leaves: [ChartTreeOwnershipTests.Leaf] = []
    var ownership: ChartOwnership!

    override func setUpWithError() throws {
        guard let helm = ChartTreeOwnershipTests.helm() else { throw XCTSkip("no helm binary found") }
        chart = try ValuesFixtures.temporaryFolder(self) + "/contexts"
        try FileManager.default.createDirectory(atPath: chart + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: contexts\nversion: 0.1.0\n".write(toFile: chart + "/Chart.yaml", atomically: true, encoding: .utf8)
        try Self.values.write(toFile: chart + "/values.yaml", atomically: true, encoding: .utf8)
        try Self.helpers.write(toFile: chart + "/templates/_helpers.tpl", atomically: true, encoding: .utf8)
        try Self.configMap.write(toFile: chart + "/templates/configmap.yaml", atomically: true, encoding: .utf8)
        let rendered = try ChartTreeOwnershipTests.run(helm, ["template", "rel", chart, "-n", "ns"])
        leaves = try ChartTreeOwnershipTests.leaves(of: rendered)
        ownership = ChartOwnership(chart: try ChartFiles.load(chart), values: try ValuesLoader().load(chart: chart).values)
    }

    /// The values claims (anchor, then controlled_by) for a ConfigMap key, and Helm's value there.
    func claims(_ key: String) throws -> (claims: [String], value: String) {
        let leaf = try XCTUnwrap(leaves.first { RenderedSegment.describe($0.path) == "data." + key }, "Helm rendered no data.\(key)")
        let owner = try XCTUnwrap(ownership.provenance(source: leaf.source, path: leaf.path, value: leaf.value))
        return ((owner.layer == .values ? [owner.anchor?.anchor ?? "values"] : []) + owner.controlledBy.map(\.anchor), leaf.value)
    }

    func testHelperContexts() throws {
        XCTAssertEqual(try claims("dot").value, "reg.example/app:1.0")
        XCTAssertEqual(Set(try claims("dot").claims), ["values.image.registry", "values.image.repository", "values.image.tag"])
        XCTAssertEqual(Set(try claims("dollar").claims), ["values.image.registry", "values.image.repository", "values.image.tag"])
        XCTAssertEqual(try claims("dictSvc").claims, ["values.service.port"])
        XCTAssertEqual(try claims("dictCtx").claims, ["values.image.repository"])
        XCTAssertEqual(Set(try claims("deepCopy").claims), ["values.image.registry", "values.image.repository", "values.image.tag"])
        XCTAssertEqual(try claims("list").claims, ["values.message"])
    }

    func testMergeContextsKeepValues() throws {
        // `merge (dict "isAgent" false) $` and `$ | merge (dict ...)`: `.Values` is still the chart's.
        XCTAssertEqual(try claims("mergeDict").value, "app")
        XCTAssertEqual(try claims("mergeDict").claims.first, "values.image.repository")
        XCTAssertEqual(try claims("pipeMerge").claims.first, "values.image.repository")
        XCTAssertFalse(try claims("pipeMerge").claims.contains("values.agent.image"), "the agent branch is a guess")
    }

    func testValueFunctions() throws {
        XCTAssertEqual(try claims("index").claims, ["values.extra.a.b"])
        XCTAssertEqual(try claims("get").claims, ["values.image.tag"])
        XCTAssertEqual(try claims("dig").claims, ["values.extra.a.b"])
        XCTAssertEqual(try claims("coalesce").claims, ["values.message", "values.fallback"])
        XCTAssertEqual(try claims("printf").value, "hello-5")
        XCTAssertEqual(try claims("printf").claims, ["values.message"])
        XCTAssertEqual(try claims("required").claims, ["values.message"])
        XCTAssertEqual(try claims("tpl").claims, ["values.message"])
        XCTAssertEqual(try claims("add1").value, "6")
        XCTAssertEqual(try claims("add1").claims, ["values.timeout"])
        XCTAssertEqual(try claims("withDot").claims, ["values.probe.periodSeconds"])
        XCTAssertEqual(try claims("port-admin").claims, ["values.ports.admin"])
        XCTAssertEqual(try claims("port-http").claims, ["values.ports.http"])
        let name = try XCTUnwrap(leaves.first { RenderedSegment.describe($0.path) == "metadata.name" })
        let owner = try XCTUnwrap(ownership.provenance(source: name.source, path: name.path, value: name.value))
        XCTAssertEqual(owner.controlledBy.map(\.anchor), ["values.nameOverride"], "an empty override behind a default")
        // A helper as the fallback of an empty key (`default (include "x.fullname" .) .Values.sa.name`):
        // what it prints is the value, so what flows through it is read.
        XCTAssertEqual(try claims("account").value, "contexts")
        XCTAssertEqual(try claims("account").claims, ["values.service.name", "values.nameOverride"])
    }

    func testConditionsAreNeverOwners() throws {
        // `with .Values.mode` (empty) as a switch, its else branch written literally.
        XCTAssertEqual(try claims("withElse").claims, [])
        // `eq .Values.service.name ""` decides the text; it is not the text.
        XCTAssertEqual(try claims("switch").value, "unnamed")
        XCTAssertEqual(try claims("switch").claims, [])
        // A block switched off renders nothing, and its keys own nothing else.
        XCTAssertNil(leaves.first { RenderedSegment.describe($0.path) == "data.agent" })
        XCTAssertFalse(try claims("mergeDict").claims.contains("values.agent.enabled"))
    }
}
