// Command etcd runs a single etcd member for the engine tests' Kubernetes
// API server: embedded etcd (go.etcd.io/etcd/server/v3/embed) on loopback
// only, its data in --data-dir, until SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	dataDir := flag.String("data-dir", "", "where etcd keeps its data (required)")
	client := flag.String("listen-client-url", "http://127.0.0.1:2379", "the client URL, on loopback")
	peer := flag.String("listen-peer-url", "http://127.0.0.1:2380", "the peer URL, on loopback")
	flag.Parse()
	if *dataDir == "" {
		log.Fatal("--data-dir is required")
	}
	cfg := embed.NewConfig()
	cfg.Name = "plinth-test"
	cfg.Dir = *dataDir
	cfg.LogLevel = "fatal" // a stop logs its closed listeners as errors; failures come back through Err
	for _, u := range []struct {
		flag, value string
		set         func(url.URL)
	}{
		{"--listen-client-url", *client, func(u url.URL) { cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{u}, []url.URL{u} }},
		{"--listen-peer-url", *peer, func(u url.URL) { cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{u}, []url.URL{u} }},
	} {
		parsed, err := url.Parse(u.value)
		if err != nil || parsed.Hostname() != "127.0.0.1" {
			log.Fatalf("%s %q: use a URL on 127.0.0.1", u.flag, u.value)
		}
		u.set(*parsed)
	}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
		fmt.Println("etcd ready on", *client)
	case <-time.After(60 * time.Second):
		e.Server.Stop()
		log.Fatal("etcd did not become ready within 60 s")
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-stop:
	case err := <-e.Err():
		log.Fatal(err)
	}
}
