package chart

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

func TestSVGWellFormedAndScaled(t *testing.T) {
	c := &Bars{Title: "MB/s <&>", Unit: "MB/s", Series: []string{"ftpsd", "vsftpd"},
		Groups: []Group{
			{Label: "RETR PROT P x1", Values: []float64{1000, 500}},
			{Label: "STOR", Values: []float64{math.NaN(), 250}},
		}}
	svg := c.SVG()
	// Well-formed XML, the title escaped.
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err != nil {
			if err != io.EOF {
				t.Fatalf("not well-formed: %v\n%s", err, svg)
			}
			break
		}
	}
	if !strings.Contains(svg, "MB/s &lt;&amp;&gt;") {
		t.Error("title not escaped")
	}
	// Linear scale: the largest value fills the plot, half of it half.
	plot := float64(width - labelW - valueW)
	for _, want := range []string{
		fmt.Sprintf(`width="%.1f"`, plot),
		fmt.Sprintf(`width="%.1f"`, plot/2),
		"n/a", // the missing value
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if strings.Count(svg, "<rect") != 1+2+3 { // background, legend, three bars
		t.Errorf("%d rects, want 6", strings.Count(svg, "<rect"))
	}
	// Every bar is labelled with its value and unit.
	for _, want := range []string{">1000 MB/s<", ">500 MB/s<", ">250 MB/s<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks the value label %s", want)
		}
	}
}

func TestLogScaleOrders(t *testing.T) {
	c := &Bars{Series: []string{"a", "b", "c"}, Log: true,
		Groups: []Group{{Label: "g", Values: []float64{10, 100, 1000}}}}
	svg := c.SVG()
	var widths []float64
	for _, part := range strings.Split(svg, `<rect x="170"`)[1:] {
		var y int
		var w float64
		if _, err := fmt.Sscanf(part, ` y="%d" width="%g"`, &y, &w); err != nil {
			t.Fatal(err)
		}
		widths = append(widths, w)
	}
	if len(widths) != 3 || !(widths[0] < widths[1] && widths[1] < widths[2]) || widths[0] <= 0 {
		t.Fatalf("log widths %v: want increasing and positive", widths)
	}
	// Equal steps in log space: 10→100 and 100→1000 are the same length.
	if math.Abs((widths[1]-widths[0])-(widths[2]-widths[1])) > 0.2 {
		t.Errorf("log steps differ: %v", widths)
	}
}
