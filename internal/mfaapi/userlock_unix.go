//go:build unix

package mfaapi

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"
)

// tryLockFile takes an exclusive flock without blocking; the kernel releases it when the
// process dies, so a killed run never leaves the user locked. supported is false when the file
// system has no flock.
func tryLockFile(f *os.File) (ok, supported bool) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, true
	case errors.Is(err, syscall.EWOULDBLOCK):
		return false, true
	}
	return false, false
}

func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// processAlive reports whether pid is a running process on this machine.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// A killed provider whose parent died too may stay a zombie (state Z) until someone
	// reaps it, which a container's first process may never do; kill(0) still finds it.
	if raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		if i := bytes.LastIndexByte(raw, ')'); i >= 0 && i+2 < len(raw) && (raw[i+2] == 'Z' || raw[i+2] == 'X') {
			return false
		}
	}
	return true
}
