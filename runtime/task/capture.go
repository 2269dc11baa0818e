package task

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// maxCapturedLog is how much of each stream a task that captures its own
// logs keeps, as flowc run keeps by default.
const maxCapturedLog = 10 << 20

// capture tees the process's stdout and stderr (the file descriptors, so
// child processes and C code are caught too) into memory, for a task whose
// engine does not keep its logs in the datastore.
type capture struct {
	streams []*stream
}

type stream struct {
	name    datastore.Stream
	fd      int
	saved   *os.File // the original descriptor, where output still goes
	r       *os.File
	mu      sync.Mutex
	buf     bytes.Buffer
	max     int
	dropped int64
	done    chan struct{}
}

func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	room := max(s.max-s.buf.Len(), 0)
	if len(p) <= room {
		s.buf.Write(p)
		return len(p), nil
	}
	s.buf.Write(p[:room])
	s.dropped += int64(len(p) - room)
	return len(p), nil
}

func startCapture(limit int) (*capture, error) {
	c := &capture{}
	for _, sc := range []struct {
		name datastore.Stream
		fd   int
	}{{datastore.Stdout, 1}, {datastore.Stderr, 2}} {
		s := &stream{name: sc.name, fd: sc.fd, max: limit, done: make(chan struct{})}
		saved, r, err := redirect(sc.fd)
		if err != nil {
			c.stop()
			return nil, err
		}
		s.saved, s.r = saved, r
		go func() {
			defer close(s.done)
			io.Copy(io.MultiWriter(s.saved, s), s.r)
		}()
		c.streams = append(c.streams, s)
	}
	return c, nil
}

// stop puts the descriptors back and waits (briefly: a child process may
// still hold the pipe) for what was written to be read.
func (c *capture) stop() {
	for _, s := range c.streams {
		if s.saved == nil {
			continue
		}
		restore(s.fd, s.saved)
		select {
		case <-s.done:
			s.saved.Close() // fd is a copy of it again; a runner serving more tasks keeps no descriptor per task
		case <-time.After(2 * time.Second):
		}
		s.r.Close()
		s.saved = nil
	}
}

// store stops capturing and writes the logs of attempt n.
func (c *capture) store(ctx context.Context, st *datastore.Store, t datastore.TaskPath, n int) error {
	c.stop()
	for _, s := range c.streams {
		s.mu.Lock()
		data := bytes.Clone(s.buf.Bytes())
		if s.dropped > 0 {
			data = append(data, fmt.Sprintf("\n[flowc: %d bytes of %s dropped past %d]\n", s.dropped, s.name, s.max)...)
		}
		s.mu.Unlock()
		if len(data) == 0 && serving {
			// As the local executor keeps logs: none when empty, which a
			// reader takes as empty (docs/datastore.md). An engine's
			// task writes its logs whatever they hold.
			continue
		}
		if err := st.WriteLog(ctx, t, n, s.name, bytes.NewReader(data)); err != nil {
			return err
		}
	}
	c.streams = nil
	return nil
}
