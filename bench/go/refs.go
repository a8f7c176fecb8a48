// Command refs prints the file pairs go/types resolves in a Go source tree: one line per
// (using file, declaring file, kind, how) with paths relative to ROOT.
//
//	go run refs.go [-tests] ROOT IMPORTPATH
//
// Every directory under ROOT (but testdata, vendor and hidden or _ ones) is one package whose
// import path is IMPORTPATH/<dir>; its non-test .go files that match the build context are
// type-checked from source. Imports of such paths are checked the same way (on demand, once);
// any other import comes from the gc export data (importer.ForCompiler, the standard library), and a
// package that cannot be found is an empty, complete package: uses of it resolve to nothing, and
// type errors are ignored (types.Config.Error) so the rest is still attributed. With -tests, each
// package's _test.go files are checked too, as go test builds them (see checkTests).
//
// Kinds: import (an import spec of a project package), inherit (an embedded struct field or
// interface), type (a use of a *types.TypeName), call (anything else: funcs, methods, fields,
// vars, consts). How: "i" for a selection on a value (x.M, x.f: reached through x's type),
// "n" for everything else (a name written in the file resolves to it).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type checker struct {
	root, prefix string
	fset         *token.FileSet
	std          types.Importer
	pkgs         map[string]*types.Package
	checked      []*unit
}

type unit struct {
	pkg   *types.Package
	files []*ast.File
	paths []string // ROOT-relative, one per file
	info  *types.Info
}

func (c *checker) Import(path string) (*types.Package, error) {
	return c.ImportFrom(path, "", 0)
}

func (c *checker) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	if p, ok := c.pkgs[path]; ok {
		return p, nil
	}
	if path == c.prefix || strings.HasPrefix(path, c.prefix+"/") {
		rel := strings.TrimPrefix(strings.TrimPrefix(path, c.prefix), "/")
		if p := c.check(rel); p != nil {
			return p, nil
		}
	}
	if p, err := c.std.Import(path); err == nil {
		c.pkgs[path] = p
		return p, nil
	}
	name := path[strings.LastIndex(path, "/")+1:]
	p := types.NewPackage(path, strings.Split(name, ".")[0])
	p.MarkComplete()
	c.pkgs[path] = p
	return p, nil
}

// check type-checks the package in ROOT/rel (nil when it has no Go files for this build).
func (c *checker) check(rel string) *types.Package {
	path := c.prefix
	if rel != "" {
		path += "/" + rel
	}
	if p, ok := c.pkgs[path]; ok {
		return p
	}
	bp, err := build.Default.ImportDir(filepath.Join(c.root, rel), 0)
	if err != nil || len(bp.GoFiles)+len(bp.CgoFiles) == 0 {
		return nil
	}
	c.pkgs[path] = types.NewPackage(path, bp.Name) // an import cycle meets this placeholder
	pkg := c.checkFiles(path, rel, append(append([]string{}, bp.GoFiles...), bp.CgoFiles...), nil)
	c.pkgs[path] = pkg
	return pkg
}

// checkTests type-checks the tests of the package in ROOT/rel, as go test builds them: the
// package with its _test.go files of the same package, then the external test package (package
// x_test), whose import of the package gets that test variant (export_test.go backdoors).  Only
// the test files' uses are listed.
func (c *checker) checkTests(rel string) {
	bp, err := build.Default.ImportDir(filepath.Join(c.root, rel), 0)
	if err != nil {
		return
	}
	path := c.prefix
	if rel != "" {
		path += "/" + rel
	}
	isTest := map[string]bool{}
	for _, name := range append(append([]string{}, bp.TestGoFiles...), bp.XTestGoFiles...) {
		isTest[name] = true
	}
	saved, had := c.pkgs[path]
	if len(bp.TestGoFiles) > 0 {
		all := append(append(append([]string{}, bp.GoFiles...), bp.CgoFiles...), bp.TestGoFiles...)
		c.pkgs[path] = c.checkFiles(path, rel, all, isTest)
	}
	if len(bp.XTestGoFiles) > 0 {
		c.checkFiles(path+"_test", rel, bp.XTestGoFiles, isTest)
	}
	if had {
		c.pkgs[path] = saved
	} else {
		delete(c.pkgs, path)
	}
}

// checkFiles type-checks the named files of ROOT/rel as package path; the uses of those listed
// names (all of them when nil) are attributed.
func (c *checker) checkFiles(path, rel string, names []string, listed map[string]bool) *types.Package {
	var files, all []*ast.File
	var paths []string
	for _, name := range names {
		f, err := parser.ParseFile(c.fset, filepath.Join(c.root, rel, name), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		all = append(all, f)
		if listed == nil || listed[name] {
			files = append(files, f)
			paths = append(paths, filepath.ToSlash(filepath.Join(rel, name)))
		}
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Implicits:  map[ast.Node]types.Object{},
	}
	conf := types.Config{Importer: c, Error: func(error) {}, FakeImportC: true}
	pkg, _ := conf.Check(path, c.fset, all, info)
	c.checked = append(c.checked, &unit{pkg, files, paths, info})
	return pkg
}

// file is the ROOT-relative path of a position in a project file ("" otherwise).
func (c *checker) file(pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	name := c.fset.PositionFor(pos, false).Filename // not a //line directive's
	rel, err := filepath.Rel(c.root, name)
	if err != nil || strings.HasPrefix(rel, "..") || !strings.HasSuffix(name, ".go") {
		return ""
	}
	return filepath.ToSlash(rel)
}

func skipDir(name string) bool {
	return name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

func main() {
	tests := flag.Bool("tests", false, "list the uses of the _test.go files too")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run refs.go [-tests] ROOT IMPORTPATH")
		os.Exit(2)
	}
	root, _ := filepath.Abs(flag.Arg(0))
	fset := token.NewFileSet()
	std := importer.ForCompiler(fset, "gc", nil)
	c := &checker{root: root, prefix: flag.Arg(1), fset: fset, std: std, pkgs: map[string]*types.Package{}}
	var dirs []string
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.IsDir() {
			if p != root && skipDir(fi.Name()) {
				return filepath.SkipDir
			}
			rel, _ := filepath.Rel(root, p)
			if rel == "." {
				rel = ""
			}
			c.check(filepath.ToSlash(rel))
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return nil
	})
	if *tests {
		for _, rel := range dirs {
			c.checkTests(rel)
		}
	}
	out := map[string]bool{}
	add := func(src string, target token.Pos, kind, how string) {
		dst := c.file(target)
		if dst != "" && dst != src {
			out[src+"\t"+dst+"\t"+kind+"\t"+how] = true
		}
	}
	for _, u := range c.checked {
		for i, f := range u.files {
			src := u.paths[i]
			fmt.Println("file\t" + src)
			embedded := map[*ast.Ident]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				var fields *ast.FieldList
				switch t := n.(type) {
				case *ast.StructType:
					fields = t.Fields
				case *ast.InterfaceType:
					fields = t.Methods
				case *ast.ImportSpec:
					if t.Name != nil && t.Name.Name == "_" {
						// a blank import depends on the package as a whole: every file of it
						if pk, ok := u.info.Defs[t.Name].(*types.PkgName); ok {
							for _, other := range c.checked {
								if other.pkg == pk.Imported() {
									for _, g := range other.files {
										add(src, g.Package, "import", "n")
									}
								}
							}
						}
					}
				case *ast.SelectorExpr:
					// pkg.X: the import spec reaches the file declaring X
					if x, ok := t.X.(*ast.Ident); ok {
						if _, ok := u.info.Uses[x].(*types.PkgName); ok {
							if obj := u.info.Uses[t.Sel]; obj != nil {
								add(src, obj.Pos(), "import", "n")
							}
						}
					}
				}
				if fields != nil {
					for _, fl := range fields.List {
						if len(fl.Names) == 0 {
							if id := typeIdent(fl.Type); id != nil {
								embedded[id] = true
							}
						}
					}
				}
				return true
			})
			selected := map[*ast.Ident]bool{}
			for sel, s := range u.info.Selections {
				if s.Kind() != types.MethodExpr {
					selected[sel.Sel] = true
				}
			}
			for id, obj := range u.info.Uses {
				if c.fset.File(id.Pos()) != c.fset.File(f.Package) {
					continue
				}
				switch obj.(type) {
				case *types.PkgName, *types.Label, *types.Builtin, *types.Nil:
					continue
				}
				kind, how := "call", "n"
				if embedded[id] {
					kind = "inherit"
				} else if _, ok := obj.(*types.TypeName); ok {
					kind = "type"
				}
				if selected[id] {
					how = "i"
				}
				add(src, obj.Pos(), kind, how)
			}
		}
	}
	lines := make([]string, 0, len(out))
	for l := range out {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// typeIdent is the identifier naming an embedded field's type (T, *T, pkg.T, T[X]).
func typeIdent(e ast.Expr) *ast.Ident {
	switch t := e.(type) {
	case *ast.Ident:
		return t
	case *ast.StarExpr:
		return typeIdent(t.X)
	case *ast.SelectorExpr:
		return t.Sel
	case *ast.IndexExpr:
		return typeIdent(t.X)
	case *ast.IndexListExpr:
		return typeIdent(t.X)
	}
	return nil
}
