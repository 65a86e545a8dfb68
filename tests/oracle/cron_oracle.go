// cron_oracle answers with the real robfig/cron v3 (Debian's golang-github-robfig-cron-dev,
// built in GOPATH mode): for each input line "schedule<TAB>zone<TAB>unix seconds", it prints
// "reject" or "accept" and the next 5 due times as unix seconds ("never" when there is none).
// In the schedule, \n stands for a newline. The zone is the local time the schedule sees.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron"
)

func answer(spec, zone string, at int64) (out string) {
	defer func() {
		if recover() != nil {
			out = "reject"
		}
	}()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return "bad zone"
	}
	time.Local = loc
	s, err := cron.ParseStandard(strings.ReplaceAll(spec, `\n`, "\n"))
	if err != nil {
		return "reject"
	}
	t := time.Unix(at, 0)
	out = "accept"
	for i := 0; i < 5; i++ {
		t = s.Next(t)
		if t.IsZero() {
			return out + " never"
		}
		out += " " + strconv.FormatInt(t.Unix(), 10)
	}
	return out
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := in.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		at, _ := strconv.ParseInt(f[2], 10, 64)
		fmt.Println(answer(f[0], f[1], at))
	}
}
