package conform

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Difference is one way two records disagree.
type Difference struct {
	Step    string // the step's name, or "(tenant settings)" / "(run)"
	Request string
	What    string // "status", "error", "error_description", "field PATH", "step", ...
	A, B    string
}

const absent = "(absent)"

// Compare lists every difference between a and b, in a's step order (steps only b ran last).
func Compare(a, b *Record) []Difference {
	var out []Difference
	add := func(step, request, what, x, y string) {
		if x != y {
			out = append(out, Difference{Step: step, Request: request, What: what, A: orNone(x), B: orNone(y)})
		}
	}
	add("(tenant settings)", "", "mfa_policy", a.Settings.MFAPolicy, b.Settings.MFAPolicy)
	add("(tenant settings)", "", "oob_channel", a.Settings.OOBChannel, b.Settings.OOBChannel)
	add("(run)", "", "stopped", a.Stopped, b.Stopped)

	bSteps := map[string]Step{}
	for _, s := range b.Steps {
		bSteps[s.Name] = s
	}
	aNames := map[string]bool{}
	for _, sa := range a.Steps {
		aNames[sa.Name] = true
		sb, ok := bSteps[sa.Name]
		if !ok {
			add(sa.Name, sa.Request, "step", "ran", "not run")
			continue
		}
		out = append(out, compareStep(sa, sb)...)
	}
	for _, sb := range b.Steps {
		if !aNames[sb.Name] {
			add(sb.Name, sb.Request, "step", "not run", "ran")
		}
	}
	return out
}

func compareStep(a, b Step) []Difference {
	var out []Difference
	add := func(what, x, y string) {
		if x != y {
			out = append(out, Difference{Step: a.Name, Request: a.Request, What: what, A: orNone(x), B: orNone(y)})
		}
	}
	add("skipped", a.Skipped, b.Skipped)
	add("transport error", a.Transport, b.Transport)
	if a.Skipped != "" || b.Skipped != "" || a.Transport != "" || b.Transport != "" {
		return out // nothing was answered on one side: its status and shape say nothing more
	}
	add("status", strconv.Itoa(a.Status), strconv.Itoa(b.Status))
	add("error", a.Error, b.Error)
	add("error_description", a.ErrorDescription, b.ErrorDescription)
	paths := map[string]bool{}
	for p := range a.Shape {
		paths[p] = true
	}
	for p := range b.Shape {
		paths[p] = true
	}
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		add("field "+p, typeOr(a.Shape, p), typeOr(b.Shape, p))
	}
	return out
}

func typeOr(shape map[string]string, path string) string {
	if t, ok := shape[path]; ok {
		return t
	}
	return absent
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Table renders the differences as a Markdown table (for pasting into an issue), headed with
// what was compared; an empty list says so in one line.
func Table(diffs []Difference, aName string, a *Record, bName string, b *Record) string {
	head := func(name string, r *Record) string {
		if name == "the "+r.Target { // "the emulator", not "the emulator (emulator)"
			return name
		}
		return fmt.Sprintf("%s (%s)", name, r.Target)
	}
	if len(diffs) == 0 {
		return fmt.Sprintf("conform: no differences between %s and %s (%d steps)\n", head(aName, a), head(bName, b), len(a.Steps))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "conform: %d difference(s) between %s and %s\n\n", len(diffs), head(aName, a), head(bName, b))
	fmt.Fprintf(&sb, "| step | request | what | %s | %s |\n|---|---|---|---|---|\n", cell(head(aName, a)), cell(head(bName, b)))
	for _, d := range diffs {
		fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s |\n", cell(d.Step), cell(d.Request), cell(d.What), cell(d.A), cell(d.B))
	}
	return sb.String()
}

// cell escapes what would break a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// Steps renders one record's steps as a Markdown table.
func Steps(r *Record) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "conform: %d steps against the %s (mfa_policy %s)\n\n| step | request | answer |\n|---|---|---|\n",
		len(r.Steps), r.Target, orNone(r.Settings.MFAPolicy))
	for _, s := range r.Steps {
		fmt.Fprintf(&sb, "| %s | %s | %s |\n", cell(s.Name), cell(s.Request), cell(s.Outcome()))
	}
	if r.Stopped != "" {
		fmt.Fprintf(&sb, "\nstopped: %s\n", r.Stopped)
	}
	return sb.String()
}
