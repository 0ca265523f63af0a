// Package scrape registers the cloud's managed-Prometheus pod monitor for
// a platform service (Traefik, cert-manager, Velero): the custom resource
// named by platform.CloudFacts.PodMonitor (prometheus-operator's PodMonitor
// under Azure Monitor's API group on AKS, Google's PodMonitoring on GKE),
// so that the service's metrics reach the environment's metrics store and
// its alerts (components/observability).
package scrape
