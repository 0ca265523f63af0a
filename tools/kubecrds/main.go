// Command kubecrds copies the CRDs the Kubernetes lane installs from the
// module cache into a directory (make kube-tools: bin/kube/crds). The
// blank imports keep the modules, at the pinned versions, in go.mod: the
// CRDs are files of those modules, not Go code.
//
//	go run . -out ../../bin/kube/crds
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	_ "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	_ "sigs.k8s.io/gateway-api/apis/v1"
)

// sources are the CRD files, by module, relative to the module's root.
var sources = map[string][]string{
	"github.com/cert-manager/cert-manager": {
		"deploy/crds/cert-manager.io_certificaterequests.yaml",
		"deploy/crds/cert-manager.io_certificates.yaml",
		"deploy/crds/cert-manager.io_clusterissuers.yaml",
		"deploy/crds/cert-manager.io_issuers.yaml",
	},
	"sigs.k8s.io/gateway-api": {
		"config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml",
		"config/crd/standard/gateway.networking.k8s.io_gateways.yaml",
		"config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml",
		"config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
		"config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml",
	},
}

func main() {
	out := flag.String("out", "", "the directory to copy the CRDs to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "kubecrds:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	if out == "" {
		return fmt.Errorf("-out is required")
	}
	// The directory holds exactly these CRDs: one dropped from sources
	// is not installed any more.
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for module, files := range sources {
		dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
		if err != nil {
			return fmt.Errorf("find %s in the module cache (go mod download it first): %w", module, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), f))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, filepath.Base(f)), data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
