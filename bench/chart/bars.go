package chart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Bars is a grouped horizontal bar chart.
type Bars struct {
	Title  string
	Unit   string   // shown after each value, e.g. "MB/s"
	Series []string // one bar per group and series, in this order (servers)
	Groups []Group
	// Log draws bars on a log10 scale, for values spanning decades
	// (memory per session: 5 KiB to 2 MiB).
	Log bool
}

// Group is one case: a value per series; NaN (or a missing value) draws no
// bar and says "n/a".
type Group struct {
	Label  string
	Values []float64
}

// palette gives each series a colour; ftpsd, the first, gets the strongest.
var palette = []string{"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"}

const (
	width    = 900
	labelW   = 170 // left column: group labels
	valueW   = 150 // right margin for value labels
	barH     = 14
	barGap   = 3
	groupGap = 14
	top      = 56
)

// SVG renders the chart.
func (c *Bars) SVG() string {
	maxV := 0.0
	minV := math.Inf(1)
	for _, g := range c.Groups {
		for _, v := range g.Values {
			if v > 0 && !math.IsInf(v, 0) {
				maxV = max(maxV, v)
				minV = min(minV, v)
			}
		}
	}
	plotW := float64(width - labelW - valueW)
	scale := func(v float64) float64 {
		if !(v > 0) || maxV == 0 {
			return 0
		}
		if c.Log {
			lo := math.Floor(math.Log10(minV)) - 0.3
			hi := math.Log10(maxV)
			if hi <= lo {
				return plotW
			}
			return plotW * (math.Log10(v) - lo) / (hi - lo)
		}
		return plotW * v / maxV
	}
	groupH := len(c.Series)*(barH+barGap) + groupGap
	height := top + len(c.Groups)*groupH + 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	title := c.Title
	if c.Log {
		title += " (log scale)"
	}
	fmt.Fprintf(&b, `<text x="10" y="20" font-size="15" font-weight="bold">%s</text>`+"\n", html.EscapeString(title))
	// Legend.
	x := 10
	for i, s := range c.Series {
		fmt.Fprintf(&b, `<rect x="%d" y="32" width="12" height="12" fill="%s"/><text x="%d" y="43">%s</text>`+"\n",
			x, palette[i%len(palette)], x+16, html.EscapeString(s))
		x += 24 + 8*len(s)
	}
	y := top
	for _, g := range c.Groups {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n",
			labelW-8, y+len(c.Series)*(barH+barGap)/2+4, html.EscapeString(g.Label))
		for i := range c.Series {
			v := math.NaN()
			if i < len(g.Values) {
				v = g.Values[i]
			}
			w := scale(v)
			by := y + i*(barH+barGap)
			label := "n/a"
			if v > 0 && !math.IsNaN(v) {
				label = Format(v) + " " + c.Unit
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`+"\n",
					labelW, by, w, barH, palette[i%len(palette)], html.EscapeString(c.Series[i]), html.EscapeString(label))
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="#333">%s</text>`+"\n", float64(labelW)+w+4, by+barH-3, html.EscapeString(label))
		}
		y += groupH
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// Format writes a value with three significant figures.
func Format(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}
