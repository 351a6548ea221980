{{/* Name of the chart's objects: the release name, or release-chart when they differ; 63 characters at most. */}}
{{- define "kansa.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kansa.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kansa.labels" -}}
{{ include "kansa.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kansa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kansa.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kansa.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* "true" when the endpoint serves TLS (web.config has tls_server_config). */}}
{{- define "kansa.tls" -}}
{{- if and .Values.web.enabled (hasKey .Values.web.config "tls_server_config") -}}true{{- end -}}
{{- end -}}

{{/* "true" when the endpoint asks for basic auth: kubelet probes cannot answer it, so they fall back to TCP. */}}
{{- define "kansa.basicAuth" -}}
{{- if and .Values.web.enabled (hasKey .Values.web.config "basic_auth_users") -}}true{{- end -}}
{{- end -}}
