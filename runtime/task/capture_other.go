//go:build !unix

package task

import (
	"errors"
	"os"
)

func redirect(fd int) (saved, r *os.File, err error) {
	return nil, nil, errors.New("--capture-logs needs a Unix system")
}

func restore(fd int, saved *os.File) {}
