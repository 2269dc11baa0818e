// Package hello is the smallest useful flow: a parameter, one artifact and a
// straight line of steps, Start → Hello → End.
//
// It is the port of Metaflow's HelloFlow. Run it with
//
//	flowc run ./examples/hello --name=gopher
//
// and read the Greeting artifact of the Hello step afterwards.
package hello
