package config

import (
	"bytes"
	"strconv"
	"strings"
)

// node is one directive, or one section with the nodes it contains, as written in one file.
// Include, IfModule and IfDefine are still nodes here; expand (include.go) resolves them.
type node struct {
	name    string   // as written, without '<' for a section: "VirtualHost"
	args    []string // unquoted
	pos     Pos
	section bool    // written <name args> … </name>
	body    []*node // a section's contents
}

// parseFile splits src (the contents of file) into a tree of nodes, following Apache's
// ap_cfg_getline and ap_getword_conf:
//
//   - A line ending in a backslash that is not itself escaped ("\\" at the end is a literal
//     backslash) continues on the next line; the two are joined without the backslash and the
//     newline, and the directive is at the line where it starts. A backslash followed by
//     trailing spaces is not a continuation, as in Apache.
//   - Leading and trailing white space is ignored; an empty line is skipped; a line whose first
//     non-space character is '#' is a comment. A '#' anywhere else is an ordinary character.
//   - Words are separated by white space. A word that starts with a double or a single quote
//     runs to the matching quote; inside it a backslash before that quote stands for the quote,
//     and any other backslash is kept. An unterminated quote is an error (Apache silently
//     takes the rest of the line).
//   - "<Name args>" opens a section and "</Name>" closes it; names match case-insensitively,
//     sections nest, and every section opened in a file is closed in the same file.
//
// Errors are recorded in d; parsing goes on after an error so that one run reports them all.
// Lines longer than maxLine and sections nested deeper than maxDepth are errors; the contents
// of a too-deep section are skipped.
func parseFile(file string, src []byte, maxLine, maxDepth int, d *diag) []*node {
	var (
		top   []*node
		stack []*node // sections whose closing tag has not been read yet
		skip  int     // depth inside a section that was too deep
		lr    = lineReader{src: src, max: maxLine}
	)
	add := func(n *node) {
		if len(stack) == 0 {
			top = append(top, n)
		} else {
			p := stack[len(stack)-1]
			p.body = append(p.body, n)
		}
	}
	for {
		text, line, tooLong, ok := lr.next()
		if !ok {
			break
		}
		pos := Pos{File: file, Line: line}
		if tooLong {
			d.errorf(pos, ErrLimit, nil, "line longer than %d bytes", maxLine)
			continue
		}
		text = strings.TrimFunc(text, isSpace)
		if text == "" || text[0] == '#' {
			continue
		}
		if strings.HasPrefix(text, "</") {
			name, err := parseClose(text)
			if skip > 0 {
				skip--
				continue
			}
			if err != "" {
				d.errorf(pos, ErrSyntax, nil, "%s", err)
				continue
			}
			closeSection(&stack, name, pos, d)
			continue
		}
		if text[0] == '<' {
			name, args, err := parseOpen(text)
			if skip > 0 {
				skip++
				continue
			}
			if err != "" {
				// Still open a section when the name could be read, so that its closing tag
				// does not cascade into a second error.
				d.errorf(pos, ErrSyntax, nil, "%s", err)
				if name == "" {
					continue
				}
			}
			if len(stack) >= maxDepth {
				d.errorf(pos, ErrLimit, nil, "<%s> nested deeper than %d sections", name, maxDepth)
				skip = 1
				continue
			}
			n := &node{name: name, args: args, pos: pos, section: true}
			add(n)
			stack = append(stack, n)
			continue
		}
		if skip > 0 {
			continue
		}
		words, err := splitWords(text)
		if err != "" {
			d.errorf(pos, ErrSyntax, nil, "%s", err)
			continue
		}
		add(&node{name: words[0], args: words[1:], pos: pos})
	}
	for i := len(stack) - 1; i >= 0; i-- {
		n := stack[i]
		d.errorf(n.pos, ErrSyntax, nil, "<%s> is not closed (missing </%s>)", n.name, n.name)
	}
	return top
}

// closeSection pops the section that "</name>" closes. A closing tag that matches an outer
// section closes the inner ones too, after one error; one that matches nothing is an error and
// is ignored.
func closeSection(stack *[]*node, name string, pos Pos, d *diag) {
	s := *stack
	if len(s) == 0 {
		d.errorf(pos, ErrSyntax, nil, "</%s> without matching <%s> section", name, name)
		return
	}
	if top := s[len(s)-1]; strings.EqualFold(top.name, name) {
		*stack = s[:len(s)-1]
		return
	}
	for i := len(s) - 2; i >= 0; i-- {
		if strings.EqualFold(s[i].name, name) {
			inner := s[len(s)-1]
			d.errorf(pos, ErrSyntax, nil, "</%s> closes <%s> but <%s> (line %d) is still open",
				name, s[i].name, inner.name, inner.pos.Line)
			*stack = s[:i]
			return
		}
	}
	top := s[len(s)-1]
	d.errorf(pos, ErrSyntax, nil, "</%s> does not match <%s> (line %d)", name, top.name, top.pos.Line)
}

// parseOpen reads "<Name args>". It returns the name even when it also returns an error, when
// the name could be read.
func parseOpen(text string) (name string, args []string, err string) {
	body := text[1:]
	end := strings.IndexFunc(body, func(r rune) bool { return r == '>' || isSpace(r) })
	if end < 0 {
		end = len(body)
	}
	name = body[:end]
	if name == "" {
		return "", nil, "section without a name"
	}
	if !strings.HasSuffix(body, ">") {
		return name, nil, "<" + name + "> is missing its closing '>'"
	}
	words, werr := splitWords(body[end : len(body)-1])
	if werr != "" {
		return name, nil, werr
	}
	return name, words, ""
}

// parseClose reads "</Name>".
func parseClose(text string) (name, err string) {
	body := strings.TrimFunc(text[2:], isSpace)
	if !strings.HasSuffix(body, ">") {
		return "", "closing tag " + quoteName(text) + " is missing its '>'"
	}
	body = strings.TrimFunc(body[:len(body)-1], isSpace)
	if body == "" {
		return "", "closing tag without a name"
	}
	if i := strings.IndexFunc(body, isSpace); i >= 0 {
		return "", "</" + body[:i] + "> takes no arguments"
	}
	return body, ""
}

// splitWords splits a logical line into words as ap_getword_conf does (see parseFile). It
// returns at least one word when text is not blank.
func splitWords(text string) ([]string, string) {
	var words []string
	i := 0
	for {
		for i < len(text) && isSpaceByte(text[i]) {
			i++
		}
		if i == len(text) {
			return words, ""
		}
		if q := text[i]; q == '"' || q == '\'' {
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(text) {
				c := text[j]
				if c == '\\' && j+1 < len(text) && text[j+1] == q {
					b.WriteByte(q)
					j += 2
					continue
				}
				if c == q {
					closed = true
					j++
					break
				}
				b.WriteByte(c)
				j++
			}
			if !closed {
				return nil, "unterminated quoted string starting " + quoteName(abbrev(text[i:]))
			}
			words = append(words, b.String())
			i = j
			continue
		}
		j := i
		for j < len(text) && !isSpaceByte(text[j]) {
			j++
		}
		words = append(words, text[i:j])
		i = j
	}
}

// lineReader yields logical lines: physical lines joined by backslash continuations.
type lineReader struct {
	src  []byte
	off  int
	line int // number of the last physical line read
	max  int
	buf  []byte
}

// next returns the next logical line and the number of its first physical line. tooLong
// reports a logical line longer than max, whose text is then not returned.
func (r *lineReader) next() (text string, first int, tooLong, ok bool) {
	if r.off >= len(r.src) {
		return "", 0, false, false
	}
	r.buf = r.buf[:0]
	first = r.line + 1
	for r.off < len(r.src) {
		rest := r.src[r.off:]
		phys := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			phys = rest[:i]
			r.off += i + 1
		} else {
			r.off = len(r.src)
		}
		r.line++
		phys = bytes.TrimSuffix(phys, []byte{'\r'})
		cont := continues(phys)
		if cont {
			phys = phys[:len(phys)-1]
		}
		if !tooLong {
			if len(r.buf)+len(phys) > r.max {
				tooLong = true
				r.buf = r.buf[:0]
			} else {
				r.buf = append(r.buf, phys...)
			}
		}
		if !cont {
			break
		}
	}
	return string(r.buf), first, tooLong, true
}

// continues reports whether a physical line ends in a continuation backslash: one backslash not
// preceded by another (Apache's [^\\]\\ rule).
func continues(phys []byte) bool {
	n := len(phys)
	return n > 0 && phys[n-1] == '\\' && (n == 1 || phys[n-2] != '\\')
}

func isSpace(r rune) bool { return r < 0x80 && isSpaceByte(byte(r)) }

// isSpaceByte is C's isspace in the C locale, which Apache uses.
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// abbrev shortens s for an error message.
func abbrev(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// quoteName returns s as is when it is printable ASCII without spaces, else Go-quoted, so that
// an error message never carries control characters from a file.
func quoteName(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '"' {
			return strconv.Quote(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}
