package qrcode

import (
	"strings"
	"testing"
)

// grid builds a symbol from rows of '#' (dark) and '.' (light).
func grid(rows ...string) symbol {
	s := symbol{size: len(rows)}
	for _, r := range rows {
		if len(r) != len(rows) {
			panic("grid: not square")
		}
		for _, c := range r {
			s.dark = append(s.dark, c == '#')
		}
	}
	return s
}

func line(pattern string) []bool {
	l := make([]bool, len(pattern))
	for k := range pattern {
		l[k] = pattern[k] == '#'
	}
	return l
}

func TestRunPenalty(t *testing.T) {
	for _, tc := range []struct {
		line string
		want int
	}{
		{"#.#.#.#.", 0},
		{"####.###", 0},             // runs of 4 and 3: no penalty
		{"#####.#.", 3},             // one run of 5
		{"..#######", 3 + 2},        // a run of 7 at the end
		{"#####.....", 3 + 3},       // two runs of 5
		{"############", 3 + 7},     // one run of 12
		{".#.#.######.#", 3 + 1},    // a run of 6 in the middle
		{"....", 0},                 // shorter than 5
		{strings.Repeat(".", 5), 3}, // exactly 5, the whole line
	} {
		if got := runPenalty(line(tc.line)); got != tc.want {
			t.Errorf("runPenalty(%s) = %d, want %d", tc.line, got, tc.want)
		}
	}
}

func TestBlockPenalty(t *testing.T) {
	for _, tc := range []struct {
		rows []string
		want int
	}{
		{[]string{"#.", ".#"}, 0},
		{[]string{"##", "##"}, 3},
		{[]string{"..", ".."}, 3},              // light blocks count too
		{[]string{"###", "###", "..."}, 2 * 3}, // two overlapping dark blocks
		{[]string{"###", "###", "###"}, 4 * 3}, // four overlapping blocks
		{[]string{"#.#", ".#.", "#.#"}, 0},
	} {
		if got := blockPenalty(grid(tc.rows...)); got != tc.want {
			t.Errorf("blockPenalty(%v) = %d, want %d", tc.rows, got, tc.want)
		}
	}
}

func TestFinderPenalty(t *testing.T) {
	for _, tc := range []struct {
		line string
		want int
	}{
		{"#.###.#....", 40},         // finder-like, light side after
		{"....#.###.#", 40},         // finder-like, light side before
		{"....#.###.#....", 2 * 40}, // both at once: two matches
		{"#.###.#...#", 0},          // only 3 light modules after
		{"#.##..#....", 0},          // not 1:1:3:1:1
		{"#.###.#...", 0},           // shorter than 11
	} {
		if got := finderPenalty(line(tc.line)); got != tc.want {
			t.Errorf("finderPenalty(%s) = %d, want %d", tc.line, got, tc.want)
		}
	}
}

func TestBalancePenalty(t *testing.T) {
	// 100 modules, so the dark count is the percentage.
	for _, tc := range []struct{ dark, want int }{
		{50, 0}, {46, 0}, {54, 0},
		{45, 10}, {55, 10}, {41, 10}, {59, 10}, // a full 5 % away is one step
		{40, 20}, {60, 20}, {0, 100}, {100, 100},
	} {
		s := symbol{size: 10, dark: make([]bool, 100)}
		for i := range tc.dark {
			s.dark[i] = true
		}
		if got := balancePenalty(s); got != tc.want {
			t.Errorf("balancePenalty(%d %% dark) = %d, want %d", tc.dark, got, tc.want)
		}
	}
}

// The rules add up: a symbol's penalty is the sum over its rows and columns plus the blocks
// and the balance.
func TestPenaltySumsTheRules(t *testing.T) {
	s := grid(
		"#####",
		"#...#",
		"#.#.#",
		"#...#",
		"#####",
	)
	// Runs: rows 0 and 4 and columns 0 and 4 are runs of 5 (4 x 3). Blocks: none. Finder: lines
	// are shorter than 11. Balance: 17 of 25 dark = 68 %, |20*17-10*25|/25 = 90/25 = 3 steps.
	if got, want := penalty(s), 4*3+0+0+3*10; got != want {
		t.Fatalf("penalty = %d, want %d", got, want)
	}
}
