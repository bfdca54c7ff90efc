{{- define "lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "lib.fullname" -}}
{{- printf "%s-%s" .Release.Name (include "lib.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "lib.labels" -}}
app.kubernetes.io/name: {{ include "lib.name" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}
