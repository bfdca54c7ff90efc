{{- define "umbrella.container" -}}
- name: main
  image: {{ .Values.global.registry }}/main:{{ .Chart.AppVersion }}
  env:
    {{- range $name, $value := .Values.env }}
    - name: {{ $name }}
      value: {{ $value | quote }}
    {{- end }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
{{- end -}}
