// Package observability is Plinth's Observability component: an
// environment's metrics store and its collection from the cluster, the
// cluster's log retention, one baseline set of alerts with the same meaning
// on both clouds (each linked to its runbook), and the receivers the alerts
// go to.
//
// Args are settings: the receivers, the runbooks' base URL, extra rules.
// Resolve checks them against a platform.Target and what the alerts watch
// (Watched: the cluster, the ingress controller, cert-manager, Velero's
// schedules) and builds the alert set; New asks the backend
// (platform.ObservabilityBackend) for the cloud side:
//
//   - AKS: an Azure Monitor workspace, a data collection endpoint, rule and
//     association for managed Prometheus, Prometheus rule groups, action
//     groups.
//   - GKE: Cloud Monitoring alert policies on Managed Service for
//     Prometheus, notification channels, a log bucket with the retention.
//
// The platform's services are scraped by their own components (a pod
// monitor each, internal/scrape). Production refuses alerts that reach
// nobody: a receiver must take critical alerts.
package observability
