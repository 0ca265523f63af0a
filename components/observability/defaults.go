package observability

import "time"

// DefaultRunbookBaseURL is where the baseline alerts' runbooks are: each
// alert links to "<base>#<alert name in lowercase>".
const DefaultRunbookBaseURL = "https://github.com/plinth-dev/plinth/blob/main/docs/operations/alerts.md"

// The baseline alerts' thresholds.
const (
	// VolumeFreeRatio: a persistent volume with less free space alerts.
	VolumeFreeRatio = 0.10
	// APIServerErrorRatio: more 5xx answers of the API server alert.
	APIServerErrorRatio = 0.05
	// APIServerLatencySeconds: a slower 99th percentile alerts.
	APIServerLatencySeconds = 1.0
	// CertificateExpiryDays: a certificate expiring sooner alerts (cert-
	// manager renews at two thirds of a certificate's life).
	CertificateExpiryDays = 14
	// IngressErrorRatio: more 5xx answers of the ingress alert.
	IngressErrorRatio = 0.05
	// BackupGrace is added to a schedule's longest gap before its missing
	// backup alerts.
	BackupGrace = 2 * time.Hour
	// MeshIssuerMinHours: a mesh identity issuer with less time left
	// alerts (it lives 48 hours and is renewed after 23).
	MeshIssuerMinHours = 12
	// MeshAnchorNoticeDays: a mesh trust anchor expiring sooner alerts,
	// a month before cert-manager would renew it on its own (a year
	// before it ends), so that it is rotated with the runbook.
	MeshAnchorNoticeDays = 400
)
