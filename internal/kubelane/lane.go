//go:build unix

package kubelane

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Binaries are the control plane's programs, and the Pulumi Kubernetes
// provider that deploys into it.
type Binaries struct {
	Etcd, APIServer, ControllerManager string
	// KubernetesProvider is pulumi-resource-kubernetes, built from
	// tools/kubeprovider.
	KubernetesProvider string
	// CRDs is the directory of the CustomResourceDefinitions the lane
	// installs (InstallCRDs), copied from tools/kubecrds' modules.
	CRDs string
}

// FindBinaries returns the programs `make kube-tools` builds under
// repoRoot/bin/kube, or an error naming what is missing and how to build
// it.
func FindBinaries(repoRoot string) (Binaries, error) {
	dir := filepath.Join(repoRoot, "bin", "kube")
	b := Binaries{
		Etcd:               filepath.Join(dir, "etcd"),
		APIServer:          filepath.Join(dir, "kube-apiserver"),
		ControllerManager:  filepath.Join(dir, "kube-controller-manager"),
		KubernetesProvider: filepath.Join(dir, "pulumi-resource-kubernetes"),
		CRDs:               filepath.Join(dir, "crds"),
	}
	var missing []string
	for _, p := range []string{b.Etcd, b.APIServer, b.ControllerManager, b.KubernetesProvider, b.CRDs} {
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return b, fmt.Errorf("no %s: run make kube-tools", strings.Join(missing, ", "))
	}
	return b, nil
}

// Cluster is a running control plane.
type Cluster struct {
	// Server is the API server's URL, https://127.0.0.1:<port>.
	Server string
	// Kubeconfig is an admin kubeconfig (group system:masters).
	Kubeconfig string
	// Dir holds the keys, certificates, kubeconfigs, etcd's data and the
	// programs' logs.
	Dir string

	client *http.Client
	procs  []*exec.Cmd
	// exited is closed when the program of the same index exits.
	exited []chan struct{}
}

// Start starts etcd, the API server and the controller manager in dir and
// waits until the API server is ready. On an error, whatever was started is
// stopped again. ctx bounds the start, not the cluster's life: Stop ends it.
func Start(ctx context.Context, bins Binaries, dir string) (*Cluster, error) {
	c := &Cluster{Dir: dir}
	if err := c.start(ctx, bins); err != nil {
		return nil, errors.Join(err, c.Stop())
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, bins Binaries) error {
	ports, err := freePorts(4)
	if err != nil {
		return err
	}
	etcdClient, etcdPeer, apiPort, cmPort := ports[0], ports[1], ports[2], ports[3]
	ca, err := newAuthority()
	if err != nil {
		return err
	}
	caFile := filepath.Join(c.Dir, "ca.crt")
	if err := os.WriteFile(caFile, ca.pem, 0o600); err != nil {
		return err
	}
	servingCert, servingKey, err := ca.issue(c.Dir, "apiserver", pkix.Name{CommonName: "kube-apiserver"}, true)
	if err != nil {
		return err
	}
	adminCert, adminKey, err := ca.issue(c.Dir, "admin", pkix.Name{CommonName: "plinth-admin", Organization: []string{"system:masters"}}, false)
	if err != nil {
		return err
	}
	cmCert, cmKey, err := ca.issue(c.Dir, "controller-manager", pkix.Name{CommonName: "system:kube-controller-manager"}, false)
	if err != nil {
		return err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	saKeyFile, saPubFile := filepath.Join(c.Dir, "service-accounts.key"), filepath.Join(c.Dir, "service-accounts.pub")
	if err := writeKey(saKeyFile, saKey); err != nil {
		return err
	}
	if err := writePublicKey(saPubFile, &saKey.PublicKey); err != nil {
		return err
	}
	c.Server = "https://127.0.0.1:" + strconv.Itoa(apiPort)
	c.Kubeconfig = filepath.Join(c.Dir, "admin.kubeconfig")
	if err := writeKubeconfig(c.Kubeconfig, c.Server, caFile, adminCert, adminKey); err != nil {
		return err
	}
	cmKubeconfig := filepath.Join(c.Dir, "controller-manager.kubeconfig")
	if err := writeKubeconfig(cmKubeconfig, c.Server, caFile, cmCert, cmKey); err != nil {
		return err
	}
	pair, err := tls.LoadX509KeyPair(adminCert, adminKey)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	c.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: roots, MinVersion: tls.VersionTLS12},
	}}

	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdClient)
	if err := c.run(bins.Etcd, "etcd", "--data-dir", filepath.Join(c.Dir, "etcd"),
		"--listen-client-url", etcdURL, "--listen-peer-url", "http://127.0.0.1:"+strconv.Itoa(etcdPeer)); err != nil {
		return err
	}
	if err := waitFor(ctx, "etcd", c.running, func() error { return get(http.DefaultClient, etcdURL+"/health") }); err != nil {
		return c.withLog("etcd", err)
	}
	if err := c.run(bins.APIServer, "kube-apiserver",
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none",
		"--secure-port="+strconv.Itoa(apiPort), "--etcd-servers="+etcdURL,
		"--authorization-mode=Node,RBAC", "--client-ca-file="+caFile,
		"--tls-cert-file="+servingCert, "--tls-private-key-file="+servingKey,
		"--service-account-issuer=https://kubernetes.default.svc", "--service-account-key-file="+saPubFile,
		"--service-account-signing-key-file="+saKeyFile, "--service-cluster-ip-range=10.96.0.0/16",
		"--api-audiences=https://kubernetes.default.svc"); err != nil {
		return err
	}
	if err := waitFor(ctx, "kube-apiserver", c.running, func() error { return get(c.client, c.Server+"/readyz") }); err != nil {
		return c.withLog("kube-apiserver", err)
	}
	if err := c.run(bins.ControllerManager, "kube-controller-manager",
		"--kubeconfig="+cmKubeconfig, "--authentication-kubeconfig="+cmKubeconfig, "--authorization-kubeconfig="+cmKubeconfig,
		"--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(cmPort),
		"--service-account-private-key-file="+saKeyFile, "--root-ca-file="+caFile,
		"--use-service-account-credentials", "--leader-elect=false",
		// No nodes here: the controllers that manage them have nothing to do.
		"--controllers=*,-nodeipam,-nodelifecycle"); err != nil {
		return err
	}
	// Its health endpoint is open on loopback; its serving certificate is
	// one it made itself, which this check need not trust.
	insecure := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, //nolint:gosec // a health check on loopback
	}}
	if err := waitFor(ctx, "kube-controller-manager", c.running, func() error {
		return get(insecure, "https://127.0.0.1:"+strconv.Itoa(cmPort)+"/healthz")
	}); err != nil {
		return c.withLog("kube-controller-manager", err)
	}
	return nil
}

// run starts a program with args, its output in <name>.log under Dir, in a
// process group of its own so that Stop ends what it started.
func (c *Cluster) run(path, name string, args ...string) error {
	log, err := os.Create(filepath.Join(c.Dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...) //nolint:gosec // the pinned control plane's programs
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	done := make(chan struct{})
	c.procs, c.exited = append(c.procs, cmd), append(c.exited, done)
	go func() { _ = cmd.Wait(); _ = log.Close(); close(done) }()
	return nil
}

// running fails once the program started last has exited: nothing to wait
// for any longer.
func (c *Cluster) running() error {
	select {
	case <-c.exited[len(c.exited)-1]:
		return fmt.Errorf("exited: %s", c.procs[len(c.procs)-1].ProcessState)
	default:
		return nil
	}
}

// withLog adds the end of a program's log to err.
func (c *Cluster) withLog(name string, err error) error {
	data, _ := os.ReadFile(filepath.Join(c.Dir, name+".log"))
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	return fmt.Errorf("%s: %w\n%s", name, err, data)
}

// Stop stops the controller manager, the API server and etcd, in that
// order, each with SIGTERM and, after ten seconds, SIGKILL, and waits
// until their ports are free.
func (c *Cluster) Stop() error {
	var errs []error
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i].Process
		_ = syscall.Kill(-p.Pid, syscall.SIGTERM)
		select {
		case <-c.exited[i]:
		case <-time.After(10 * time.Second):
			errs = append(errs, fmt.Errorf("%s did not stop within 10 s; killed", filepath.Base(c.procs[i].Path)))
			_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
			<-c.exited[i]
		}
	}
	c.procs, c.exited = nil, nil
	return errors.Join(errs...)
}

// InstallCRDs creates each CustomResourceDefinition of the YAML files
// (one definition each) in dir, and waits until the API server serves
// them all: established, and listed by discovery, which the provider
// reads. A directory without any is an error.
func (c *Cluster) InstallCRDs(ctx context.Context, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("kubelane: no CRDs in %s: run make kube-tools", dir)
	}
	const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
	var names []string
	var served []crd
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		code, body, err := c.request("", nil, http.MethodPost, crds, "application/yaml", data)
		if err != nil {
			return fmt.Errorf("kubelane: create the CRD of %s: %w", f, err)
		}
		if code != http.StatusCreated {
			return fmt.Errorf("kubelane: create the CRD of %s: %d\n%s", f, code, body)
		}
		var created crd
		if err := json.Unmarshal(body, &created); err != nil {
			return fmt.Errorf("kubelane: the CRD of %s: %w", f, err)
		}
		names = append(names, created.Metadata.Name)
		served = append(served, created)
	}
	for _, name := range names {
		err := waitFor(ctx, "CRD "+name, c.running, func() error {
			code, body, err := c.Do(http.MethodGet, crds+"/"+name, nil)
			if err != nil {
				return err
			}
			if code != http.StatusOK {
				return fmt.Errorf("GET %s: %d", name, code)
			}
			var crd struct {
				Status struct {
					Conditions []struct{ Type, Status string } `json:"conditions"`
				} `json:"status"`
			}
			if err := json.Unmarshal(body, &crd); err != nil {
				return err
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == "Established" && c.Status == "True" {
					return nil
				}
			}
			return fmt.Errorf("%s is not established yet", name)
		})
		if err != nil {
			return err
		}
	}
	for _, d := range served {
		for _, v := range d.Spec.Versions {
			if !v.Served {
				continue
			}
			path := "/apis/" + d.Spec.Group + "/" + v.Name
			err := waitFor(ctx, "discovery of "+path, c.running, func() error {
				code, body, err := c.Do(http.MethodGet, path, nil)
				if err != nil {
					return err
				}
				if code != http.StatusOK {
					return fmt.Errorf("GET %s: %d", path, code)
				}
				var list struct {
					Resources []struct{ Name string } `json:"resources"`
				}
				if err := json.Unmarshal(body, &list); err != nil {
					return err
				}
				for _, r := range list.Resources {
					if r.Name == d.Spec.Names.Plural {
						return nil
					}
				}
				return fmt.Errorf("%s does not list %s yet", path, d.Spec.Names.Plural)
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// crd is what InstallCRDs reads of a CustomResourceDefinition.
type crd struct {
	Metadata struct{ Name string } `json:"metadata"`
	Spec     struct {
		Group string `json:"group"`
		Names struct {
			Plural string `json:"plural"`
		} `json:"names"`
		Versions []struct {
			Name   string `json:"name"`
			Served bool   `json:"served"`
		} `json:"versions"`
	} `json:"spec"`
}

// Do sends a request to the API server as the admin and returns the
// response's status and body.
func (c *Cluster) Do(method, path string, body []byte) (int, []byte, error) {
	return c.DoAs("", nil, method, path, body)
}

// DoAs sends a request as user, a member of groups, through the API
// server's impersonation (the admin may impersonate anyone): RBAC and the
// admission policies judge it as that user's own request. An empty user
// is the admin itself.
func (c *Cluster) DoAs(user string, groups []string, method, path string, body []byte) (int, []byte, error) {
	return c.request(user, groups, method, path, "application/json", body)
}

func (c *Cluster) request(user string, groups []string, method, path, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, c.Server+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", contentType)
	if user != "" {
		req.Header.Set("Impersonate-User", user)
		for _, g := range groups {
			req.Header.Add("Impersonate-Group", g)
		}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close() //nolint:errcheck // read in full below
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// get fails unless url answers 200.
func get(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close() //nolint:errcheck // only the status matters
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// waitFor polls ready until it succeeds, ctx ends, a minute passes or
// running fails (the program exited).
func waitFor(ctx context.Context, what string, running, ready func() error) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		err := ready()
		if err == nil {
			return nil
		}
		if exit := running(); exit != nil {
			return fmt.Errorf("%s %w", what, exit)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s is not ready: %w (last: %w)", what, ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// freePorts returns n ports on 127.0.0.1 that are free now.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// writeKubeconfig writes a kubeconfig that signs in to server with a client
// certificate.
func writeKubeconfig(path, server, ca, cert, key string) error {
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kubelane
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: kubelane
  user:
    client-certificate: %s
    client-key: %s
contexts:
- name: kubelane
  context:
    cluster: kubelane
    user: kubelane
current-context: kubelane
`, server, ca, cert, key)
	return os.WriteFile(path, []byte(config), 0o600)
}
