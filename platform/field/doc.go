// Package field reports invalid user input the way every Plinth component
// does: each problem names the field path, the value seen and how to fix it,
// and all problems of one input are returned together.
//
//	network.subnets[1].cidr "10.0.0.0/33": prefix length must be 8..29
//
// Components collect problems in a List while validating and return
// List.Err(), which is nil when there were none.
package field
