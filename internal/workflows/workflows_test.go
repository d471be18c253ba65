package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const root = "../.."

type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]job `yaml:"jobs"`
	Env  map[string]string
}

type job struct {
	Needs    any    `yaml:"needs"`
	Uses     string `yaml:"uses"`
	Strategy struct {
		Matrix map[string][]string `yaml:"matrix"`
	} `yaml:"strategy"`
	Env         map[string]string `yaml:"env"`
	Permissions map[string]string `yaml:"permissions"`
	Steps       []step            `yaml:"steps"`
}

type step struct {
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]string `yaml:"with"`
}

func load(t *testing.T, name string) workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// makeTargets are the make targets a file runs ("make test", "make matrix", ...).
func makeTargets(text string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^\s*make ([a-z-]+)`).FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestTestsWorkflowRunsWhatCIRuns: every make target of .ci/run runs in some job.
func TestTestsWorkflowRunsWhatCIRuns(t *testing.T) {
	w := load(t, "test.yml")
	var runs []string
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			runs = append(runs, makeTargets(s.Run)...)
		}
	}
	ci := makeTargets(read(t, ".ci/run"))
	if len(ci) < 6 {
		t.Fatalf("found only %v in .ci/run", ci)
	}
	for _, target := range ci {
		if !slices.Contains(runs, target) {
			t.Errorf(".ci/run runs make %s; no job of test.yml does", target)
		}
	}
	if _, ok := w.On["workflow_call"]; !ok {
		t.Error("test.yml must be callable (workflow_call): the release runs it first")
	}
}

// TestMatrixMatchesTheGNUmakefile: the strategy matrix lists exactly MATRIX_CLIS.
func TestMatrixMatchesTheGNUmakefile(t *testing.T) {
	m := regexp.MustCompile(`(?m)^MATRIX_CLIS\s*\?=\s*(.+)$`).FindStringSubmatch(read(t, "GNUmakefile"))
	if m == nil {
		t.Fatal("no MATRIX_CLIS in the GNUmakefile")
	}
	want := strings.Fields(m[1])
	j, ok := load(t, "test.yml").Jobs["matrix"]
	if !ok {
		t.Fatal("test.yml has no matrix job")
	}
	if got := j.Strategy.Matrix["cli"]; !slices.Equal(got, want) {
		t.Fatalf("test.yml's matrix %v, the GNUmakefile's MATRIX_CLIS %v", got, want)
	}
	if j.Env["MATRIX_CLIS"] != "${{ matrix.cli }}" || !strings.HasPrefix(want[0], "terraform:") ||
		j.Env["MATRIX_UPGRADE_FROM"] != strings.TrimPrefix(want[0], "terraform:") {
		t.Fatalf("the matrix job must run one CLI each with the upgrade test from %s: env %v", want[0], j.Env)
	}
}

// TestActionsArePinnedToCommits: every third-party action is pinned to a full commit hash with
// its version in a comment (what dependabot updates), never to a movable tag.
func TestActionsArePinnedToCommits(t *testing.T) {
	pinned := regexp.MustCompile(`^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$`)
	for _, name := range []string{"test.yml", "release.yml"} {
		for i, line := range strings.Split(read(t, ".github/workflows/"+name), "\n") {
			trimmed := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
			if !strings.HasPrefix(trimmed, "uses:") || strings.Contains(line, "uses: ./") {
				continue
			}
			if !pinned.MatchString(line) {
				t.Errorf("%s:%d: %q is not pinned to a commit with a version comment", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestReleaseSignsWhatGoreleaserBuilds: a version tag runs the tests, then make release with
// the imported key's fingerprint, which .goreleaser.yml signs with.
func TestReleaseSignsWhatGoreleaserBuilds(t *testing.T) {
	w := load(t, "release.yml")
	if tags := w.On["push"].(map[string]any)["tags"].([]any); len(tags) != 1 || !strings.HasPrefix(tags[0].(string), "v") {
		t.Fatalf("release.yml must run on version tags: %v", tags)
	}
	if w.Jobs["tests"].Uses != "./.github/workflows/test.yml" {
		t.Fatal("release.yml must run the Tests workflow first")
	}
	g := w.Jobs["goreleaser"]
	if g.Needs != "tests" || g.Permissions["contents"] != "write" {
		t.Fatalf("goreleaser job: needs %v, permissions %v", g.Needs, g.Permissions)
	}
	var imported, released bool
	for _, s := range g.Steps {
		if strings.HasPrefix(s.Uses, "crazy-max/ghaction-import-gpg@") {
			imported = s.With["gpg_private_key"] == "${{ secrets.GPG_PRIVATE_KEY }}" && s.With["passphrase"] == "${{ secrets.PASSPHRASE }}"
		}
		if strings.TrimSpace(s.Run) == "make release" {
			released = imported && s.Env["GPG_FINGERPRINT"] == "${{ steps.import_gpg.outputs.fingerprint }}" && s.Env["GITHUB_TOKEN"] != ""
		}
	}
	if !released {
		t.Fatal("release.yml must import the key from GPG_PRIVATE_KEY/PASSPHRASE, then run make release with GPG_FINGERPRINT and GITHUB_TOKEN")
	}
	if !strings.Contains(read(t, ".goreleaser.yml"), "{{ .Env.GPG_FINGERPRINT }}") {
		t.Fatal(".goreleaser.yml does not sign with GPG_FINGERPRINT")
	}
	if !regexp.MustCompile(`(?m)^release:.*\n\t\$\(GORELEASER\) release --clean$`).MatchString(read(t, "GNUmakefile")) {
		t.Fatal("the GNUmakefile has no release target running the pinned goreleaser")
	}
}

// TestDependabotWatchesModulesAndActions.
func TestDependabotWatchesModulesAndActions(t *testing.T) {
	var cfg struct {
		Version int `yaml:"version"`
		Updates []struct {
			Ecosystem string `yaml:"package-ecosystem"`
			Directory string `yaml:"directory"`
			Schedule  struct {
				Interval string `yaml:"interval"`
			} `yaml:"schedule"`
		} `yaml:"updates"`
	}
	if err := yaml.Unmarshal([]byte(read(t, ".github/dependabot.yml")), &cfg); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, u := range cfg.Updates {
		if u.Directory != "/" || u.Schedule.Interval == "" {
			t.Errorf("%s: directory %q, interval %q", u.Ecosystem, u.Directory, u.Schedule.Interval)
		}
		seen = append(seen, u.Ecosystem)
	}
	slices.Sort(seen)
	if cfg.Version != 2 || !slices.Equal(seen, []string{"github-actions", "gomod"}) {
		t.Fatalf("dependabot.yml: version %d, ecosystems %v", cfg.Version, seen)
	}
}
