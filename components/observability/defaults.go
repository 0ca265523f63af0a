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
)
