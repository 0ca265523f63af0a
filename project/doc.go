// Package project declares a team's Plinth project: its Pulumi project
// name, its stacks (one environment each, defined in Go or in YAML) and the
// clouds they deploy to. One Project value is everything Plinth acts on:
//
//   - the Pulumi program of every stack (Program, Run), which deploys the
//     environment named after the selected stack;
//   - what the plinth command plans, checks, diffs, graphs and rolls out
//     (package cli: a team's main calls cli.Main with its Project);
//   - what the team's tests render offline (Render).
//
// So the environment a reviewer reads in plan, diff and check is the value
// the deployed program uses: no configuration key replaces it. A project
// links the SDKs of the clouds it lists (aks.Cloud, gke.Cloud) and no
// other. docs/adr/0003-project.md records the design; docs/getting-started.md
// walks through a project from an empty directory.
package project
