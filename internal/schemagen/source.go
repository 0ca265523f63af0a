package schemagen

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// Module is a Go module's source: its path and the directory of its go.mod.
type Module struct {
	Path string
	Dir  string
}

// FindModule returns the module whose go.mod is in dir or the nearest
// directory above it.
func FindModule(dir string) (Module, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Module{}, err
	}
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		switch {
		case err == nil:
			path := modfile.ModulePath(data)
			if path == "" {
				return Module{}, fmt.Errorf("%s: no module line", filepath.Join(d, "go.mod"))
			}
			return Module{Path: path, Dir: d}, nil
		case !os.IsNotExist(err):
			return Module{}, err
		case filepath.Dir(d) == d:
			return Module{}, fmt.Errorf("no go.mod in %s or above it", dir)
		}
	}
}

// sources reads the doc comments of the module's packages, each package
// once.
type sources struct {
	module Module
	pkgs   map[string]*pkgDocs
}

// pkgDocs are one package's documented types.
type pkgDocs struct {
	types   map[string]*typeDocs
	parser  *comment.Parser
	printer *comment.Printer
}

// typeDocs are a type's doc comment, its fields' (as written, by field
// name) and the string constants declared with the type.
type typeDocs struct {
	doc    string
	fields map[string]string
	consts []constant
}

// constant is a string constant of a named type: an enum value.
type constant struct {
	name, value, doc string
}

// pkg returns the docs of the package at import path, nil for a package
// outside the module (the standard library's time.Duration is the one
// such type the generator reads, and it is described by its own rule).
func (s *sources) pkg(path string) (*pkgDocs, error) {
	if p, ok := s.pkgs[path]; ok {
		return p, nil
	}
	rel, ok := strings.CutPrefix(path, s.module.Path)
	if !ok || rel != "" && !strings.HasPrefix(rel, "/") {
		s.pkgs[path] = nil
		return nil, nil
	}
	p, err := readPackage(filepath.Join(s.module.Dir, filepath.FromSlash(rel)), path)
	if err != nil {
		return nil, err
	}
	s.pkgs[path] = p
	return p, nil
}

// readPackage parses the Go files of the package in dir that the current
// build includes (no tests) and collects its types' docs; it returns nil
// for a directory without them (an external test package's path).
func readPackage(dir, path string) (*pkgDocs, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // an external test package's path
	}
	bp, err := build.Default.ImportDir(dir, 0)
	var noGo *build.NoGoError
	switch {
	case errors.As(err, &noGo):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("package %s: %w", path, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	p := &pkgDocs{types: map[string]*typeDocs{}}
	typ := func(name string) *typeDocs {
		if p.types[name] == nil {
			p.types[name] = &typeDocs{fields: map[string]string{}}
		}
		return p.types[name]
	}
	for _, f := range files {
		for _, c := range stringConstants(f) {
			typ(c.typ).consts = append(typ(c.typ).consts, c.constant)
		}
	}
	dp, err := doc.NewFromFiles(fset, files, path, doc.AllDecls)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", path, err)
	}
	p.parser, p.printer = dp.Parser(), dp.Printer()
	p.printer.TextWidth = -1 // one line per paragraph
	for _, t := range dp.Types {
		td := typ(t.Name)
		td.doc = t.Doc
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok || ts.Name.Name != t.Name {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, f := range st.Fields.List {
				text := f.Doc.Text()
				if text == "" {
					text = f.Comment.Text()
				}
				for _, n := range f.Names {
					td.fields[n.Name] = text
				}
			}
		}
	}
	return p, nil
}

// typedConstant is a constant and the name of its declared type.
type typedConstant struct {
	typ string
	constant
}

// stringConstants returns the exported constants of f declared with a
// type of f's package and a string literal value: `Dev Class = "dev"`.
func stringConstants(f *ast.File) []typedConstant {
	var out []typedConstant
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			typ, ok := vs.Type.(*ast.Ident)
			if !ok || len(vs.Names) != len(vs.Values) {
				continue
			}
			text := vs.Doc.Text()
			if text == "" {
				text = vs.Comment.Text()
			}
			if text == "" && len(gd.Specs) == 1 {
				text = gd.Doc.Text()
			}
			for i, n := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING || !n.IsExported() {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					continue
				}
				out = append(out, typedConstant{typ.Name, constant{name: n.Name, value: v, doc: text}})
			}
		}
	}
	return out
}

// text renders a doc comment as plain text, a paragraph per line; p is
// nil for a package outside the module.
func (p *pkgDocs) text(c string) string {
	if p == nil || c == "" {
		return ""
	}
	return strings.TrimSpace(string(p.printer.Text(p.parser.Parse(c))))
}
