package exec

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// lineWriter serialises whole lines from many tasks onto one writer.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

func (l *lineWriter) writeLine(prefix string, line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// One write per line: a display that redraws between writes (the
	// terminal's progress block) never separates a prefix from its line.
	buf := make([]byte, 0, len(prefix)+len(line)+1)
	buf = append(append(buf, prefix...), line...)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		buf = append(buf, '\n')
	}
	l.w.Write(buf)
}

// logBuffer keeps a stream of a task's output, up to a limit (then marks the
// truncation), and echoes each line to the console with the task's prefix.
type logBuffer struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	limit     int
	truncated bool
	out       *lineWriter
	prefix    string
	partial   []byte
}

func newLogBuffer(limit int, out *lineWriter, prefix string) *logBuffer {
	return &logBuffer{limit: limit, out: out, prefix: prefix}
}

const truncatedMark = "\n[TRUNCATED - MAXIMUM LOG FILE SIZE REACHED]\n"

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(room, len(p))])
	}
	if !b.truncated && b.buf.Len() >= b.limit && len(p) > 0 {
		b.truncated = true
	}
	b.partial = append(b.partial, p...)
	for {
		i := bytes.IndexByte(b.partial, '\n')
		if i < 0 {
			break
		}
		b.out.writeLine(b.prefix, b.partial[:i+1])
		b.partial = b.partial[i+1:]
	}
	if len(b.partial) > 64<<10 {
		b.out.writeLine(b.prefix, b.partial)
		b.partial = nil
	}
	return len(p), nil
}

// Flush echoes a last line without a newline.
func (b *logBuffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.partial) > 0 {
		b.out.writeLine(b.prefix, b.partial)
		b.partial = nil
	}
}

// Bytes returns the kept log.
func (b *logBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.truncated {
		return append(bytes.Clone(b.buf.Bytes()), truncatedMark...)
	}
	return bytes.Clone(b.buf.Bytes())
}

// lockedBuffer is a buffer that two streams may write at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
