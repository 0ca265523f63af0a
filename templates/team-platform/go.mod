module ${PROJECT}

go 1.26

require github.com/plinth-dev/plinth v0.1.0
