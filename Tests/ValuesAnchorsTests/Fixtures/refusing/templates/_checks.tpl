{{- define "refusing.oneOf" -}}
{{- if not (has .value .allowed) }}{{ fail (printf "%s is not one of %s" .value (join ", " .allowed)) }}{{ end -}}
{{- end -}}
