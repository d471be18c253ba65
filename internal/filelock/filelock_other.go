//go:build !unix

package filelock

import "os"

// Windows and other platforms: no advisory file lock here; callers go on without (the
// provider still refuses to guess between two new factors, and a TOTP collision costs one
// refused code at worst).
func tryLock(*os.File) (ok, supported bool) { return false, false }

func unlock(*os.File) {}
