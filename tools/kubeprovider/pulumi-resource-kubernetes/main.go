// Command pulumi-resource-kubernetes is the Pulumi Kubernetes provider,
// built from the pinned provider module as its own main does (which cannot
// be built from the module download: the files it embeds are generated).
// `make kube-tools` runs embedgen to write them, then builds this.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
