package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// num formats v with about three significant figures and thousands
// separators: 1,234 · 56.7 · 8.90 · 0.123.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	a := math.Abs(v)
	switch {
	case a >= 1000:
		return group(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
}

// SizeName writes a byte count the way the report states sizes: "1 GiB",
// "256 MiB", else in bytes.
func SizeName(n int64) string {
	switch {
	case n != 0 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n != 0 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	default:
		return group(strconv.FormatInt(n, 10)) + " bytes"
	}
}

func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// failedOutright says a cell without a value failed, rather than not
// being run or not measuring its metric (a case that does not, or a run
// made before the metric existed).
func (c Cell) failedOutright() bool {
	return !c.Valid() && c.Runs > 0 && (c.Err != "" || c.Failed > 0)
}

// cell formats a median with its range over the rounds, and failures.
func (c Cell) String() string {
	if !c.Valid() {
		if !c.failedOutright() {
			return "—"
		}
		if strings.Contains(c.Err, ": 500 ") || strings.Contains(c.Err, ": 502 ") {
			return "not supported" + errNote(c.Err)
		}
		return "fails" + errNote(c.Err)
	}
	s := num(c.Median)
	if c.N > 1 {
		s += " (" + num(c.Min) + "–" + num(c.Max) + ")"
	}
	if c.Failed > 0 {
		s += fmt.Sprintf(" ✗ %d failed%s", c.Failed, errNote(c.Err))
	}
	return s
}

// errNote is a short form of an error for a table cell; the JSON keeps it whole.
func errNote(err string) string {
	if err == "" {
		return ""
	}
	err = strings.TrimPrefix(err, "ftpclient: ")
	err = strings.ReplaceAll(err, "|", "/")
	err = strings.ReplaceAll(err, "\n", " ")
	if len(err) > 60 {
		err = err[:57] + "…"
	}
	return ": " + err
}

// ratio formats a/b as "1.23×", or "—" when either is missing: a is NaN
// (the median of no runs), or b is not positive (no best peer: BestPeer's
// zero Cell).
func ratio(a, b float64) string {
	if !(b > 0) || math.IsNaN(a) {
		return "—"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64) + "×"
}

// mdTable renders a GitHub-flavoured Markdown table.
func mdTable(b *strings.Builder, header []string, rows [][]string) {
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for range header {
		b.WriteString(" --- |")
	}
	b.WriteByte('\n')
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteByte('\n')
}
