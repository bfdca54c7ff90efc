{{/*
Expand the name of the chart.
*/}}
{{- define "relay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name (as `helm create` does).
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "relay.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "relay.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "relay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels: the standard ones, then .Values.commonLabels merged in with toYaml
(a commonLabels key that names a standard label is dropped: the standard label wins).
*/}}
{{- define "relay.labels" -}}
helm.sh/chart: {{ include "relay.chart" . }}
{{ include "relay.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- $common := omit .Values.commonLabels "helm.sh/chart" "app.kubernetes.io/name" "app.kubernetes.io/instance" "app.kubernetes.io/version" "app.kubernetes.io/managed-by" }}
{{- with $common }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The container image: registry/repository@digest when a digest is set, else registry/repository:tag.
*/}}
{{- define "relay.image" -}}
{{- $repository := required "image.repository is required" .Values.image.repository -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" .Values.image.registry $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" .Values.image.registry $repository $tag -}}
{{- end -}}
{{- end }}

{{/*
Service ports: one entry per .Values.service.ports key whose `enabled` is true (keys in sorted order).
nodePort only for NodePort / LoadBalancer Services.
*/}}
{{- define "relay.servicePorts" -}}
{{- range $name, $port := .Values.service.ports }}
{{- if $port.enabled }}
- name: {{ $name }}
  port: {{ $port.port }}
  targetPort: {{ $port.targetPort | default $name }}
  protocol: {{ $port.protocol | default "TCP" }}
  {{- if and (has $.Values.service.type (list "NodePort" "LoadBalancer")) $port.nodePort }}
  nodePort: {{ $port.nodePort }}
  {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Fail early on values the relay binary would reject.
*/}}
{{- define "relay.validateValues" -}}
{{- if not (has .Values.config.logFormat (list "json" "text")) }}
{{- fail (printf "config.logFormat must be json or text, got %q" .Values.config.logFormat) }}
{{- end }}
{{- end }}
