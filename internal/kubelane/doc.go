// Package kubelane starts a Kubernetes control plane on loopback for the
// engine tests' Kubernetes lane (issue 24): etcd, kube-apiserver and
// kube-controller-manager, built from the pinned modules in tools/kube
// by `make kube-tools` into bin/kube/.
//
// Every run generates its own certificate authority and keys in a
// directory of the caller's. The API server listens on 127.0.0.1 only,
// serves TLS, authorizes with RBAC (and Node), and admits the caller as an
// admin through a client certificate of the system:masters group; the
// controller manager signs in with a certificate of its own and runs the
// controllers that fill the aggregated roles (admin, edit, view), compute
// quota usage and finish foreground deletes. Stop stops all three and waits
// for them.
//
// The package uses the standard library only: the main module does not
// link client-go.
package kubelane
