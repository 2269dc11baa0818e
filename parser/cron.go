package parser

import (
	"fmt"
	"strconv"
	"strings"
)

// cronFields are the five fields of a standard cron expression, with their
// ranges and the names a field may use.
var cronFields = []struct {
	name   string
	lo, hi int
	names  []string
}{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{"day of week", 0, 7, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

// validCron checks a five-field cron expression, the form Argo's
// CronWorkflow and Kubernetes take; flowc translates it for targets that
// want another form.
func validCron(expr string) error {
	fs := strings.Fields(expr)
	if len(fs) != 5 {
		return fmt.Errorf("want five fields (minute hour day-of-month month day-of-week), got %d", len(fs))
	}
	for i, f := range fs {
		spec := cronFields[i]
		for _, part := range strings.Split(f, ",") {
			if err := cronPart(part, spec.lo, spec.hi, spec.names, i == 2 || i == 4); err != nil {
				return fmt.Errorf("%s field %q: %v", spec.name, f, err)
			}
		}
	}
	return nil
}

// cronPart checks one comma-separated part: *, ?, N, N-M, with /STEP.
func cronPart(part string, lo, hi int, names []string, question bool) error {
	rng, step, hasStep := strings.Cut(part, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || n > hi {
			return fmt.Errorf("step %q must be a number from 1 to %d", step, hi)
		}
	}
	if rng == "*" || rng == "?" && question {
		return nil
	}
	a, b, isRange := strings.Cut(rng, "-")
	x, err := cronValue(a, lo, hi, names)
	if err != nil {
		return err
	}
	if isRange {
		y, err := cronValue(b, lo, hi, names)
		if err != nil {
			return err
		}
		if y < x {
			return fmt.Errorf("range %s runs backwards", rng)
		}
	}
	return nil
}

func cronValue(s string, lo, hi int, names []string) (int, error) {
	for i, n := range names {
		if strings.EqualFold(s, n) {
			return i + lo, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
	}
	return n, nil
}
