//go:build !unix

package mfaapi

import "os"

// Windows and other platforms: no advisory file lock here (the release's Windows builds run
// without the cross-process lock; Enroll still refuses to guess between two new factors).
func tryLockFile(*os.File) (ok, supported bool) { return false, false }

func unlockFile(*os.File) {}

// processAlive cannot tell here: journal entries of other processes are treated as live for
// as long as a run may take (see InFlight.live).
func processAlive(int) bool { return true }
