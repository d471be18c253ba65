package qrcode

// The weights of the four penalty rules of ISO/IEC 18004 (7.8.3.1, N1 to N4). A mask is
// chosen to avoid what confuses readers: long runs of one colour, solid blocks, shapes that
// look like the finder patterns in the corners, and a lopsided dark/light balance.
const (
	runWeight     = 3  // N1: a run of 5 modules of one colour, plus 1 per module beyond 5
	blockWeight   = 3  // N2: each 2x2 block of one colour
	finderWeight  = 40 // N3: each 1:1:3:1:1 finder-like pattern with 4 light modules on one side
	balanceWeight = 10 // N4: each full 5 % the dark share is away from 50 %
)

// finderCore is the 1:1:3:1:1 dark-light-dark-light-dark shape of a finder pattern. Rule 3
// counts it once for 4 light modules before it and once for 4 light modules after it: the
// standard's two 11-module sequences.
var finderCore = [7]bool{true, false, true, true, true, false, true}

func penalty(s symbol) int {
	n := s.size
	columns := make([]bool, n*n)
	for y := range n {
		for x := range n {
			columns[x*n+y] = s.dark[y*n+x]
		}
	}
	total := blockPenalty(s) + balancePenalty(s)
	for i := range n {
		row, col := s.dark[i*n:(i+1)*n], columns[i*n:(i+1)*n]
		total += runPenalty(row) + runPenalty(col) + finderPenalty(row) + finderPenalty(col)
	}
	return total
}

// runPenalty rates one row or column for runs of 5 or more.
func runPenalty(line []bool) int {
	n := len(line)
	total, run := 0, 1
	for k := 1; k <= n; k++ {
		if k < n && line[k] == line[k-1] {
			run++
			continue
		}
		if run >= 5 {
			total += runWeight + run - 5
		}
		run = 1
	}
	return total
}

// blockPenalty counts every 2x2 block of one colour, overlapping blocks each on their own.
func blockPenalty(s symbol) int {
	n, total := s.size, 0
	for y := range n - 1 {
		top, bottom := s.dark[y*n:(y+1)*n], s.dark[(y+1)*n:(y+2)*n]
		for x := range n - 1 {
			c := top[x]
			if top[x+1] == c && bottom[x] == c && bottom[x+1] == c {
				total += blockWeight
			}
		}
	}
	return total
}

// finderPenalty counts the finder-like sequences in one row or column. Only modules inside
// the symbol are looked at (the quiet zone is not counted as the light side).
func finderPenalty(line []bool) int {
	total := 0
	for c := 0; c+len(finderCore) <= len(line); c++ {
		if [7]bool(line[c:c+7]) != finderCore {
			continue
		}
		if c >= 4 && allLight(line[c-4:c]) {
			total += finderWeight
		}
		if c+11 <= len(line) && allLight(line[c+7:c+11]) {
			total += finderWeight
		}
	}
	return total
}

func allLight(modules []bool) bool {
	for _, dark := range modules {
		if dark {
			return false
		}
	}
	return true
}

// balancePenalty rates the dark share: one step per full 5 % away from 50 %, so 0 strictly
// between 45 % and 55 % (the reference encoder zxing counts the same way).
// In integers: the distance from 50 % in 5 % steps is |20*dark - 10*all| / all.
func balancePenalty(s symbol) int {
	dark := 0
	for _, d := range s.dark {
		if d {
			dark++
		}
	}
	all := len(s.dark)
	deviation := 20*dark - 10*all
	if deviation < 0 {
		deviation = -deviation
	}
	return balanceWeight * (deviation / all)
}
