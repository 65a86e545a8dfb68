// template_oracle renders with the real Go text/template and Sprig (Debian's golang-go
// and golang-github-masterminds-sprig-dev, built in GOPATH mode), as Stash renders hook
// strings: missingkey=default, sprig.TxtFuncMap(), the result trimmed. For each input
// line "fixture<TAB>template" it prints "OK<TAB>output" or "ERROR<TAB>message". In the
// template \n, \t and \\ stand for a newline, a tab and a backslash; the output is
// escaped the same way. The fixtures are the data of template_compare.cpp.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
)

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 't':
				b.WriteByte('\t')
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func escape(s string) string {
	return strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\t", "\\t", "\r", "\\r").Replace(s)
}

// Stash's hook data: its Summary struct (stashed/apimachinery, apis/stash/v1beta1:
// Summary, TargetRef, TargetStatus; the invoker is Kubernetes' core/v1
// TypedLocalObjectReference, whose APIGroup is a *string), with stash-hook's own fields
// after Stash's (Status.ExitCode, Stage, Member, Hostname, StartTime, Task).
type TypedLocalObjectReference struct {
	APIGroup *string `json:"apiGroup"`
	Kind     string  `json:"kind"`
	Name     string  `json:"name"`
}

type TargetRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Name       string `json:"name,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
}

type TargetStatus struct {
	Phase    string      `json:"phase,omitempty"`
	Duration string      `json:"duration,omitempty"`
	Error    string      `json:"error,omitempty"`
	ExitCode interface{} `json:"exitCode,omitempty"`
}

type TaskStage struct {
	Command  []string    `json:"command,omitempty"`
	ExitCode interface{} `json:"exitCode"`
	Signal   string      `json:"signal,omitempty"`
}

type Task struct {
	Command  []string    `json:"command,omitempty"`
	Ran      bool        `json:"ran,omitempty"`
	ExitCode int         `json:"exitCode,omitempty"`
	Output   string      `json:"output,omitempty"`
	Stdout   string      `json:"stdout,omitempty"`
	Stderr   string      `json:"stderr,omitempty"`
	Stages   []TaskStage `json:"stages,omitempty"`
}

type Summary struct {
	Name      string                    `json:"name,omitempty"`
	Namespace string                    `json:"namespace,omitempty"`
	Invoker   TypedLocalObjectReference `json:"invoker,omitempty"`
	Target    TargetRef                 `json:"target,omitempty"`
	Status    TargetStatus              `json:"status,omitempty"`
	RetryLeft int32                     `json:"retryLeft,omitempty"`
	Stage     string                    `json:"stage,omitempty"`
	Member    string                    `json:"member,omitempty"`
	Hostname  string                    `json:"hostname,omitempty"`
	StartTime string                    `json:"startTime,omitempty"`
	Task      Task                      `json:"task,omitempty"`
	RunId     string                    `json:"runId,omitempty"`
	Warnings  []string                  `json:"warnings,omitempty"`
}

// The same data as template_compare.cpp's stash_fixture() (a postBackup hook).
func stashFixture(phase, errText string, exit interface{}, retryLeft int32) interface{} {
	group := "stash.appscode.com"
	host, _ := os.Hostname()
	return &Summary{
		Name:      "deployment-backup-1646741400",
		Namespace: "demo",
		Invoker:   TypedLocalObjectReference{APIGroup: &group, Kind: "BackupConfiguration", Name: "deployment-backup"},
		Target:    TargetRef{APIVersion: "apps/v1", Kind: "Deployment", Name: "stash-demo", Namespace: "demo"},
		Status:    TargetStatus{Phase: phase, Duration: "10s", Error: errText, ExitCode: exit},
		RetryLeft: retryLeft,
		Stage:     "postBackup",
		Hostname:  host,
		StartTime: "2022-03-08T12:10:00Z",
		Task:      Task{Command: []string{"restic", "backup", "/data"}, Ran: true, ExitCode: exit.(int)},
		Warnings:  []string{},
	}
}

// Hook-shaped data as maps, for the language's cases.
func fixtures() map[string]interface{} {
	summary := func(phase, errText string, exit interface{}) map[string]interface{} {
		return map[string]interface{}{
			"Name":      "deployment-backup-1646741400",
			"Namespace": "demo",
			"Invoker":   map[string]interface{}{"ApiGroup": "stash.appscode.com", "Kind": "BackupConfiguration", "Name": "deployment-backup"},
			"Target":    map[string]interface{}{"ApiVersion": "apps/v1", "Kind": "Deployment", "Name": "stash-demo"},
			"Status":    map[string]interface{}{"Phase": phase, "Duration": "10s", "Error": errText, "ExitCode": exit, "Attempt": 1},
			"RetryLeft": 0,
			"Hooks":     []interface{}{"pause", "notify"},
			"Nums":      []interface{}{3, 1, 2},
			"Empty":     "",
			"Zero":      0,
			"Pi":        3.14159,
			"Big":       float64(1e6),
			"Unicode":   "Ünïcødé straße",
		}
	}
	return map[string]interface{}{
		"failed":          summary("Failed", "failed to backup host-0. Reason: path not found", 3),
		"succeeded":       summary("Succeeded", "", 0),
		"stash-failed":    stashFixture("Failed", "failed to backup host-0. Reason: path not found", 3, 2),
		"stash-succeeded": stashFixture("Succeeded", "", 0, 0),
		"empty":           map[string]interface{}{},
	}
}

func render(text string, data interface{}) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	t, err := template.New("").Option("missingkey=default").Funcs(sprig.TxtFuncMap()).Parse(text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--funcs" {
		// Every name of sprig.TxtFuncMap(), one a line, sorted: the completeness test.
		var names []string
		for name := range sprig.TxtFuncMap() {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Println(strings.Join(names, "\n"))
		return
	}
	os.Setenv("STASH_HOOK_ORACLE", "from-env")
	data := fixtures()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		line := in.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 2)
		if len(f) != 2 {
			fmt.Fprintln(out, "ERROR\tbad corpus line")
			continue
		}
		d, ok := data[f[0]]
		if !ok {
			fmt.Fprintln(out, "ERROR\tunknown fixture "+f[0])
			continue
		}
		s, err := render(unescape(f[1]), d)
		if err != nil {
			fmt.Fprintln(out, "ERROR\t"+escape(err.Error()))
		} else {
			fmt.Fprintln(out, "OK\t"+escape(s))
		}
	}
}
