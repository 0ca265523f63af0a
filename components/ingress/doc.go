// Package ingress is Plinth's Ingress component: one ingress controller per
// cluster, installed with Helm, behind a cloud load balancer whose
// annotations come from the cloud backend.
//
// The default controller is Traefik (Traefik Proxy v3), which serves both the
// Kubernetes Ingress API and the Gateway API: the component creates an
// IngressClass (the cluster default unless NotDefaultClass is set), a
// GatewayClass and a default Gateway that accepts routes from every
// namespace. ingress-nginx is available only as a migration option: it was
// retired upstream in March 2026 and gets no more releases or CVE fixes
// (see ControllerIngressNginx and docs/adr/0002-ingress-controller.md).
//
// The load balancer is internal by default: its address comes from the
// network's ingress subnet, and the rights the cluster identity needs on
// that subnet come with the Cluster. Public is an explicit choice. The
// controller runs highly available by default (two replicas, a
// PodDisruptionBudget, zone spread and node anti-affinity) with Prometheus
// metrics on, and the Service keeps client addresses
// (externalTrafficPolicy Local).
//
// What each backend creates, the arguments and the outputs are described in
// docs/components/ingress.md.
package ingress
