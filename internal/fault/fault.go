package fault

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ftpsd/ftpsd/internal/synth"
)

// Any is the verb of a rule that applies to every command without a rule
// of its own.
const Any = "*"

// Codes are the reply codes a rule may inject: the errors a client must
// survive (RFC 959 §4.2). 421 also closes the session, as the code says.
var Codes = []uint16{421, 425, 426, 450, 451, 452, 550}

// Delay is added latency: fixed when Max is Min, else uniform in [Min, Max].
type Delay struct{ Min, Max time.Duration }

// Reply is an injected error reply: Code, for a share Rate (0 < Rate <= 1)
// of the commands.
type Reply struct {
	Code uint16
	Rate float64
}

// Reset cuts data connections with a TCP reset once After bytes crossed
// them, for a share Rate of the transfers.
type Reset struct {
	After int64
	Rate  float64
}

// Options configure a Plan. The zero value injects nothing.
type Options struct {
	Seed    uint64 // 0: a random seed, chosen by New
	Delays  map[string]Delay
	Replies map[string]Reply
	Reset   Reset
	// Stall stops data connections once Stall.After bytes crossed them,
	// for a share Stall.Rate of the transfers: nothing more moves until
	// the data-idle timeout or ABOR ends the transfer (426).
	Stall Reset
	// NoAccept is the share of passive data connections never accepted:
	// the listener stays open until the data timeout (425).
	NoAccept float64
	// TLSDelay holds a PROT P data connection's TLS handshake back.
	TLSDelay Delay
}

// Kind names a kind of fault, for the counts and the log.
type Kind uint8

const (
	KindDelay Kind = iota
	KindReply
	KindReset
	KindStall
	KindNoAccept
	KindTLSDelay
	KindCount // the number of kinds
)

func (k Kind) String() string {
	switch k {
	case KindDelay:
		return "delay"
	case KindReply:
		return "reply"
	case KindReset:
		return "reset"
	case KindStall:
		return "stall"
	case KindNoAccept:
		return "noaccept"
	case KindTLSDelay:
		return "tlsdelay"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Plan is the configured faults, shared by every session. Read-only after
// New except for its counters; safe for concurrent use.
type Plan struct {
	o      Options
	counts [KindCount]atomic.Int64
}

// New returns the plan of o, nil when o injects nothing. o is copied.
func New(o Options) *Plan {
	if len(o.Delays) == 0 && len(o.Replies) == 0 && o.Reset.After <= 0 && o.Stall.After <= 0 && o.NoAccept <= 0 &&
		o.TLSDelay.Max <= 0 {
		return nil
	}
	if o.Seed == 0 {
		o.Seed = rand.Uint64() | 1
	}
	return &Plan{o: o}
}

// Seed is the seed in use, for the log: giving it again replays the run.
func (p *Plan) Seed() uint64 { return p.o.Seed }

// Count returns how many faults of kind k were injected so far.
func (p *Plan) Count(k Kind) int64 { return p.counts[k].Load() }

// Session returns the injector of session id. A nil Plan gives a nil
// Injector, which injects nothing.
func (p *Plan) Session(id uint64) *Injector {
	if p == nil {
		return nil
	}
	return &Injector{p: p, r: rand.New(rand.NewPCG(p.o.Seed, id))}
}

// Injector draws one session's faults. It is used by one goroutine at a
// time (the session's event loop); its methods never block.
type Injector struct {
	p *Plan
	r *rand.Rand
}

func rule[T any](m map[string]T, verb string) (T, bool) {
	if v, ok := m[verb]; ok {
		return v, true
	}
	v, ok := m[Any]
	return v, ok
}

// Reply returns the code to answer verb with instead of running it, or 0.
func (in *Injector) Reply(verb string) uint16 {
	if in == nil {
		return 0
	}
	r, ok := rule(in.p.o.Replies, verb)
	if !ok || in.r.Float64() >= r.Rate {
		return 0
	}
	in.p.counts[KindReply].Add(1)
	return r.Code
}

// Delay returns the latency to add to verb's reply, or 0.
func (in *Injector) Delay(verb string) time.Duration {
	if in == nil {
		return 0
	}
	d, ok := rule(in.p.o.Delays, verb)
	if !ok {
		return 0
	}
	return in.draw(d, KindDelay)
}

// draw picks a latency in d and counts it under k when it is not zero.
func (in *Injector) draw(d Delay, k Kind) time.Duration {
	v := d.Min
	if d.Max > d.Min {
		v += time.Duration(in.r.Int64N(int64(d.Max-d.Min) + 1))
	}
	if v > 0 {
		in.p.counts[k].Add(1)
	}
	return v
}

// TLSDelay returns how long to hold a PROT P data connection's TLS
// handshake back, or 0.
func (in *Injector) TLSDelay() time.Duration {
	if in == nil || in.p.o.TLSDelay.Max <= 0 {
		return 0
	}
	return in.draw(in.p.o.TLSDelay, KindTLSDelay)
}

// ResetAfter returns the byte count after which this transfer's data
// connection is reset, or 0 for none. The reset is counted here, when it
// is decided; a transfer that moves fewer bytes ends normally.
func (in *Injector) ResetAfter() int64 {
	if in == nil || in.p.o.Reset.After <= 0 || in.r.Float64() >= in.p.o.Reset.Rate {
		return 0
	}
	in.p.counts[KindReset].Add(1)
	return in.p.o.Reset.After
}

// StallAfter returns the byte count after which this transfer's data
// connection stops moving, or 0 for none; counted when decided.
func (in *Injector) StallAfter() int64 {
	if in == nil || in.p.o.Stall.After <= 0 || in.r.Float64() >= in.p.o.Stall.Rate {
		return 0
	}
	in.p.counts[KindStall].Add(1)
	return in.p.o.Stall.After
}

// NoAccept reports whether this transfer's passive listener never accepts.
func (in *Injector) NoAccept() bool {
	if in == nil || in.p.o.NoAccept <= 0 || in.r.Float64() >= in.p.o.NoAccept {
		return false
	}
	in.p.counts[KindNoAccept].Add(1)
	return true
}

// ParseRate reads a share of commands or transfers: above 0, at most 1.
func ParseRate(s string) (float64, error) { return parseRate(s, s) }

// ErrSyntax: a fault specification that does not parse.
var ErrSyntax = errors.New("fault: bad specification")

func syntaxf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSyntax}, args...)...)
}

// ParseDelay reads one latency, "DURATION[-DURATION]" (200ms, 1s-3s).
func ParseDelay(s string) (Delay, error) {
	m, err := ParseDelays("TLS=" + s)
	if err != nil {
		return Delay{}, syntaxf("%q is not a duration such as 200ms, or a range such as 1s-3s", s)
	}
	return m["TLS"], nil
}

// ParseDelays reads "VERB=DURATION[-DURATION],...": RETR=200ms adds 200 ms
// to every RETR, LIST=10ms-50ms between 10 and 50 ms, *=5ms to every
// command without a rule of its own. Verbs are upper-cased.
func ParseDelays(s string) (map[string]Delay, error) {
	out := map[string]Delay{}
	for _, item := range items(s) {
		verb, v, err := verbValue(item)
		if err != nil {
			return nil, err
		}
		lo, hi, isRange := strings.Cut(v, "-")
		d := Delay{}
		if d.Min, err = time.ParseDuration(lo); err != nil || d.Min < 0 {
			return nil, syntaxf("%q: %q is not a duration such as 200ms", item, lo)
		}
		d.Max = d.Min
		if isRange {
			if d.Max, err = time.ParseDuration(hi); err != nil || d.Max < d.Min {
				return nil, syntaxf("%q: %q is not a duration at least %v", item, hi, d.Min)
			}
		}
		if d.Max > time.Hour {
			return nil, syntaxf("%q: more than an hour", item)
		}
		out[verb] = d
	}
	return out, nil
}

// ParseReplies reads "VERB=CODE[:RATE],...": RETR=421:0.1 answers one RETR
// in ten with 421, STOR=452 every STOR with 452. CODE is one of Codes;
// RATE is above 0 and at most 1 (default 1).
func ParseReplies(s string) (map[string]Reply, error) {
	out := map[string]Reply{}
	for _, item := range items(s) {
		verb, v, err := verbValue(item)
		if err != nil {
			return nil, err
		}
		code, rate, _ := strings.Cut(v, ":")
		c, err := strconv.ParseUint(code, 10, 16)
		if err != nil || !slices.Contains(Codes, uint16(c)) {
			return nil, syntaxf("%q: %q is not one of the codes 421, 425, 426, 450, 451, 452, 550", item, code)
		}
		r, err := parseRate(item, rate)
		if err != nil {
			return nil, err
		}
		out[verb] = Reply{Code: uint16(c), Rate: r}
	}
	return out, nil
}

// ParseReset reads "BYTES[:RATE]": 1M resets every data connection once
// 1 MiB crossed it, 64K:0.5 half of them after 64 KiB. BYTES is spelled
// as synthetic file names spell sizes (synth.ParseBytes: K, M, G, T,
// binary).
func ParseReset(s string) (Reset, error) {
	n, rate, _ := strings.Cut(strings.TrimSpace(s), ":")
	after, err := synth.ParseBytes(n)
	if err != nil || after < 1 {
		return Reset{}, syntaxf("%q: %q is not a byte count such as 64K", s, n)
	}
	r, err := parseRate(s, rate)
	if err != nil {
		return Reset{}, err
	}
	return Reset{After: after, Rate: r}, nil
}

func items(s string) []string {
	var out []string
	for _, it := range strings.Split(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

func verbValue(item string) (verb, value string, err error) {
	verb, value, ok := strings.Cut(item, "=")
	verb = strings.ToUpper(strings.TrimSpace(verb))
	if !ok || value == "" || (verb != Any && !isVerb(verb)) {
		return "", "", syntaxf("%q is not VERB=value", item)
	}
	return verb, strings.TrimSpace(value), nil
}

func isVerb(v string) bool {
	if len(v) < 3 || len(v) > 4 {
		return false
	}
	for _, c := range []byte(v) {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func parseRate(item, s string) (float64, error) {
	if s == "" {
		return 1, nil
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || !(r > 0 && r <= 1) {
		return 0, syntaxf("%q: rate %q is not above 0 and at most 1", item, s)
	}
	return r, nil
}
