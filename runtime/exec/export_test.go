package exec

// SetTakeHook has f called with the pid of every runner started ahead of
// need when it is taken for a task, before it is given the task; the
// returned function removes it.
func SetTakeHook(f func(pid int)) (remove func()) {
	takeHook = f
	return func() { takeHook = nil }
}
