//go:build ignore

// The only Go file of this directory is excluded by its build constraint,
// so the directory holds no package to read.
package bad

// want-file "FLOW002 .*no Go files"
