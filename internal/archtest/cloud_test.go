package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cloudNames are the platform.Cloud constants: naming one in a component
// or an environment is a switch on the cloud.
var cloudNames = map[string]bool{"CloudAzure": true, "CloudGCP": true, "CloudFake": true}

// backendPackages are the packages that know one cloud: the backends and
// their descriptions.
var backendPackages = []string{"platform/aks", "platform/gke", "platform/fake"}

// TestComponentsAndEnvironmentsReadCloudFacts checks that the code of
// components/ and environment/ never names a cloud and never imports a
// backend or its facts: what differs by cloud comes from
// platform.CloudFacts, which each backend describes (docs/architecture.md),
// so that a new backend needs no change to any component.
func TestComponentsAndEnvironmentsReadCloudFacts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, dir := range []string{"components", "environment"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			checked++
			rel, _ := filepath.Rel(root, p)
			platformName := ""
			for _, imp := range f.Imports {
				ip, _ := strconv.Unquote(imp.Path.Value)
				if ip == module+"/platform" {
					platformName = "platform"
					if imp.Name != nil {
						platformName = imp.Name.Name
					}
				}
				if hasPrefix(ip, backendPackages...) {
					t.Errorf("%s imports %s: components and environments read platform.CloudFacts, never a backend", rel, ip)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || !cloudNames[sel.Sel.Name] {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == platformName {
					t.Errorf("%s: names platform.%s; read what differs from platform.CloudFacts instead", fset.Position(sel.Pos()), sel.Sel.Name)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 20 {
		t.Errorf("checked %d files of components/ and environment/; is the walk looking at them?", checked)
	}
}
