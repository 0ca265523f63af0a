package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/plinth-dev/plinth/internal/schemagen"
)

func main() {
	out := flag.String("o", "", "the file to write (default: standard output)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "envschema:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	module, err := schemagen.FindModule(".")
	if err != nil {
		return err
	}
	schema, err := schemagen.Environment(module)
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(schema)
		return err
	}
	return os.WriteFile(out, schema, 0o644)
}
