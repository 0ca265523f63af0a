module github.com/plinth-dev/plinth/tools/release

go 1.26

tool golang.org/x/exp/cmd/apidiff

require (
	golang.org/x/exp v0.0.0-20260410095643-746e56fc9e2f // indirect
	golang.org/x/mod v0.35.0 // indirect
	golang.org/x/sync v0.20.0 // indirect
	golang.org/x/tools v0.44.0 // indirect
)
