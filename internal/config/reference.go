package config

// Directive describes one directive of the table, for documentation
// generated from it (the ftpsd(8) manual page).
type Directive struct {
	Name    string // canonical spelling
	Syntax  string // as Apache's documentation writes it
	Context string // where it may stand, as Apache's documentation names contexts
	Section bool   // written <Name ...> ... </Name>
}

// Directives lists every directive ftpsd knows, in the table's order.
func Directives() []Directive {
	out := make([]Directive, 0, len(table))
	for _, s := range table {
		out = append(out, Directive{Name: s.name, Syntax: s.syntax, Context: s.ctx.String(), Section: s.section})
	}
	return out
}
