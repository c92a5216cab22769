package main

import (
	"context"
	"crypto"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/bench/ceiling"
	"github.com/ftpsd/ftpsd/bench/peers"
	"github.com/ftpsd/ftpsd/bench/report"
	"github.com/ftpsd/ftpsd/bench/scenario"
)

// pasvRange gives the i-th server of peers.All its passive ports: disjoint
// blocks of 2,000 below Linux's ephemeral range (32768+), so that client
// sockets never take a passive port.
func pasvRange(i int) (lo, hi int) {
	lo = 20000 + 2000*i
	return lo, lo + 1999
}

// started is a running server and the target the scenarios drive.
type started struct {
	lo, hi int // passive ports
	run    *peers.Running
	target *scenario.Target
}

// restart stops the server and starts a new one in its place.
func (s *started) restart(env *peers.Env) error {
	s.run.Stop()
	p := s.run.Peer
	r, err := peers.Start(env, p, p.Name, s.lo, s.hi)
	if err != nil {
		return err
	}
	s.run, s.target = r, targetFor(env, p, r)
	return checkKind(env, s)
}

// checkKind fails loudly when s does not present the certificate kind of
// env.Cert: figures under a kind must come from that kind's handshakes.
func checkKind(env *peers.Env, s *started) error {
	got, err := peers.PresentedKind(s.run.Addr, env.Cert.ClientConfig())
	if err != nil {
		return fmt.Errorf("%s: checking its certificate: %w", s.run.Peer.Name, err)
	}
	if got != env.Cert.Kind {
		return fmt.Errorf("%s presents an %s certificate, configured with %s (%s)", s.run.Peer.Name, got, env.Cert.Kind, env.Cert.CertFile)
	}
	return nil
}

// startServers starts the chosen servers, each on its own ports.
func startServers(o *options, env *peers.Env, d *display) ([]*started, error) {
	var out []*started
	for i, p := range peers.All() {
		if !slices.Contains(o.servers, p.Name) {
			continue
		}
		lo, hi := pasvRange(i)
		r, err := peers.Start(env, p, p.Name, lo, hi)
		if err != nil {
			stopAll(out)
			return nil, err
		}
		d.logf("started %s %s on %s (pid %d, CPU from %s)", p.Name, p.Version(env), r.Addr, r.PID(), r.CPUSource())
		s := &started{lo: lo, hi: hi, run: r, target: targetFor(env, p, r)}
		out = append(out, s)
		if err := checkKind(env, s); err != nil {
			stopAll(out)
			return nil, err
		}
	}
	return out, nil
}

func targetFor(env *peers.Env, p *peers.Peer, r *peers.Running) *scenario.Target {
	var runtime func() (scenario.RuntimeMemory, error)
	if r.Admin != "" {
		runtime = r.RuntimeMemory
	}
	return &scenario.Target{
		Name: p.Name, Addr: r.Addr, PID: r.PID(), CPU: r.CPUSeconds, CPUSplit: r.CPUSplit(), Runtime: runtime, TLS: env.Cert.ClientConfig(),
		Read: p.Read, Write: p.Write,
		SmallFile: "/" + scenario.SmallPath, ListDir: "/" + scenario.ListPath,
		UploadDir: "/" + scenario.UploadPath,
		BulkFile:  func(n int64) string { return "/" + scenario.BulkPath(n) },
		WarmBulk:  func(n int64) { warm(filepath.Join(env.Data, scenario.BulkPath(n))) },
		LocalBulk: func(n int64) string { return filepath.Join(env.Data, scenario.BulkPath(n)) },
		Timeout:   30 * time.Second, DataTimeout: 3 * time.Minute,
	}
}

// warm reads a file through the page cache and drops what it read.
func warm(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = io.Copy(io.Discard, f)
}

func stopAll(s []*started) {
	for _, x := range s {
		x.run.Stop()
	}
}

// plainKind is the certificate kind the cases with clear data run under:
// ECDSA, ftpsd's default.
const plainKind = peers.ECDSA

// switchKind points env at the certificate of kind and restarts every
// server that presents another, checking what each presents then.
func switchKind(env *peers.Env, servers []*started, kind string, d *display) error {
	if env.Cert.Kind == kind {
		return nil
	}
	env.Cert = env.Certs[kind]
	for _, s := range servers {
		if err := s.restart(env); err != nil {
			return err
		}
	}
	d.logf("every server restarted with the %s certificate (%s), each checked to present it", peers.KindName(kind), env.Cert.CertFile)
	return nil
}

// rounds runs every case on every server, rounds times, rotating the
// servers' order each round, and returns the report.
func rounds(ctx context.Context, o *options, env *peers.Env, d *display, prog *scenario.Progress) (*report.Report, error) {
	rep := newReport(o, env)
	d.logf("measuring this machine's ceilings")
	rep.Ceilings = measureCeilings(env, o, d)
	servers, err := startServers(o, env, d)
	if err != nil {
		return nil, err
	}
	defer stopAll(servers)
	for _, s := range servers {
		conf := ""
		if m, _ := filepath.Glob(filepath.Join(s.run.Dir, "*.conf")); len(m) > 0 {
			conf = m[0]
		}
		rep.Servers = append(rep.Servers, report.Server{Name: s.run.Peer.Name, Version: s.run.Peer.Version(env),
			Command: relative(s.run.Command, env.Dir), Config: relative(conf, env.Dir)})
	}
	rep.Settings["cpu"] = cpuMethod(servers)
	cases := buildCases(o)
	begin := time.Now()
	var onceTime time.Duration // spent in the first round on cases that run once
	byScenario := map[string]time.Duration{}
	var steal stealMeter
	for round := 1; round <= o.rounds; round++ {
		d.setPrefix(fmt.Sprintf("[round %d/%d] ", round, o.rounds))
		roundStart := time.Now()
		steal.beginRound()
		for _, kind := range o.certs {
			if err := switchKind(env, servers, kind, d); err != nil {
				return nil, err
			}
			for _, c := range cases {
				if (c.plain && kind != o.pick(plainKind)) || (c.once && round > 1) || (c.kind != "" && c.kind != kind) {
					continue
				}
				caseStart := time.Now()
				for k := range servers {
					s := servers[(k+round-1)%len(servers)]
					if c.only != "" && c.only != s.target.Name {
						continue
					}
					if ctx.Err() != nil {
						return nil, ctx.Err()
					}
					if c.fresh {
						if err := s.restart(env); err != nil {
							return nil, err
						}
					}
					cctx, cancel := context.WithTimeout(ctx, caseTimeout(o))
					res := c.run(cctx, s.target, prog)
					cancel()
					res.Round, res.Cert = round, kind
					rep.Results = append(rep.Results, res)
					d.logf("[round %d/%d] %-5s %-9s %-7s %-22s %s", round, o.rounds, kind, s.target.Name, c.scenario, res.Case, brief(res))
					if c.store {
						clearUploads(env)
					}
					// Keep what has run so far, should a later case hang.
					_ = rep.WriteJSON(filepath.Join(env.Dir, "results-partial.json"))
				}
				if c.once {
					onceTime += time.Since(caseStart)
				}
				if round == 1 {
					byScenario[c.scenario] += time.Since(caseStart)
				}
			}
		}
		steal.endRound()
		took := time.Since(roundStart)
		if round == 1 {
			est := took + time.Duration(o.rounds-1)*(took-onceTime)
			d.logf("round 1 took %s (%s of it on cases that run once); estimate for all %d rounds: %s, profiles not included",
				took.Round(time.Second), onceTime.Round(time.Second), o.rounds, est.Round(time.Second))
			var parts []string
			for _, sc := range o.scenarios {
				if t, ok := byScenario[sc]; ok {
					parts = append(parts, sc+" "+t.Round(time.Second).String())
				}
			}
			d.logf("round 1 by scenario (both certificate kinds): %s", strings.Join(parts, ", "))
		} else {
			d.logf("round %d took %s; %s elapsed since the rounds began", round, took.Round(time.Second), time.Since(begin).Round(time.Second))
		}
	}
	// Leave ftpsd's default kind on for the profiles after the rounds.
	if err := switchKind(env, servers, o.pick(plainKind), d); err != nil {
		return nil, err
	}
	d.setPrefix("")
	if v := report.PageCacheDropped(rep.Results); v != "" {
		rep.Settings[report.PageCacheSetting] = v
	}
	if v := report.Prefaulted(rep.Results); v != "" {
		rep.Settings[report.PrefaultSetting] = v
	}
	rep.Notes = append(rep.Notes, "Load average at the end of the rounds: "+loadAvg()+".")
	if n := steal.note(); n != "" {
		rep.Notes = append(rep.Notes, n)
	}
	return rep, nil
}

// brief is one result's line in the log.
func brief(r *scenario.Result) string {
	keys := []string{scenario.Sessions, scenario.MBPerSec, scenario.CPUSecPerGB, scenario.ClientCPUSecPerGB, scenario.SessionsPerSec, scenario.ClientCPUmsPerSession, scenario.ListingsPerSec,
		scenario.FilesPerSec, scenario.RSSPerSessionKiB, scenario.PSSPerSessionKiB, scenario.RSSAfterClosePct, scenario.RSSAfterCloseFloorPct, scenario.HeapAfterClosePct, scenario.NoopP99ms, scenario.P99ms, scenario.Failed}
	var parts []string
	for _, k := range keys {
		if v, ok := r.Metrics[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%.4g", k, v))
		}
	}
	if r.PageCache != "" && r.PageCache != scenario.PageCacheDropped {
		parts = append(parts, "page cache not dropped: "+r.PageCache)
	}
	if r.Err != "" {
		parts = append(parts, "error: "+r.Err)
	}
	return strings.Join(parts, " ")
}

// clearUploads removes what STOR cases left in the upload directory.
func clearUploads(env *peers.Env) {
	dir := filepath.Join(env.Data, scenario.UploadPath)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

func measureCeilings(env *peers.Env, o *options, d *display) ceiling.Ceilings {
	var c ceiling.Ceilings
	var err error
	if c.OpenSSLAESGCM, c.OpenSSL, err = ceiling.OpenSSL(); err != nil {
		d.logf("ceiling: %v", err)
	}
	n := min(o.volume, 1<<30)
	if c.PlainLoopback, err = ceiling.Loopback(n, nil, nil); err != nil {
		d.logf("ceiling: %v", err)
	}
	srv, err := tlsServerConfig(env.Certs[peers.RSA])
	if err == nil {
		c.GoTLSLoopback, err = ceiling.Loopback(n, srv, env.Certs[peers.RSA].ClientConfig())
	}
	if err != nil {
		d.logf("ceiling: %v", err)
	}
	if c.OpenSSLRSASign, err = ceiling.OpenSSLRSA(); err != nil {
		d.logf("ceiling: %v", err)
	}
	if srv != nil {
		// The certificate every server presents: its key signs each
		// full handshake.
		if key, ok := srv.Certificates[0].PrivateKey.(crypto.Signer); ok {
			if c.GoRSASign, err = ceiling.GoRSASign(key, 2*time.Second); err != nil {
				d.logf("ceiling: %v", err)
			}
		}
	}
	if c.OpenSSLECDSASign, err = ceiling.OpenSSLECDSA(); err != nil {
		d.logf("ceiling: %v", err)
	}
	if ec, ok := env.Certs[peers.ECDSA]; ok {
		if pair, err := tls.LoadX509KeyPair(ec.CertFile, ec.KeyFile); err != nil {
			d.logf("ceiling: %v", err)
		} else if key, ok := pair.PrivateKey.(crypto.Signer); ok {
			if c.GoECDSASign, err = ceiling.GoECDSASign(key, 2*time.Second); err != nil {
				d.logf("ceiling: %v", err)
			}
		}
	}
	d.logf("ceilings: ECDSA P-256 signatures/s OpenSSL %.0f, Go %.0f", c.OpenSSLECDSASign, c.GoECDSASign)
	d.logf("ceilings: AES-128-GCM %.0f MB/s, Go TLS loopback %.0f MB/s, plain loopback %.0f MB/s, RSA-2048 signatures/s OpenSSL %.0f, Go %.0f",
		c.OpenSSLAESGCM, c.GoTLSLoopback, c.PlainLoopback, c.OpenSSLRSASign, c.GoRSASign)
	return c
}

// relative shortens the work directory's absolute path in a command line.
func relative(s, work string) string {
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(s, work, ".bench")
}

// cpuMethod says, for the report, how server CPU was measured: the report
// puts it after "read before and after the run".
func cpuMethod(servers []*started) string {
	var cgroup, tree []string
	for _, s := range servers {
		if s.run.CPUSource() == peers.CPUFromCgroup {
			cgroup = append(cgroup, s.run.Peer.Name)
		} else {
			tree = append(tree, s.run.Peer.Name)
		}
	}
	return describeCPU(cgroup, tree)
}

// describeCPU names the method of each server when they did not all use
// the same one.
func describeCPU(cgroup, tree []string) string {
	const (
		byCgroup = "from a cgroup v1 cpuacct group made for the server at start (cpuacct.usage: exact nanoseconds of every process in it)"
		byTree   = "as utime+stime summed over the server's process tree from /proc (whole 10 ms ticks per process; reaped children through cutime+cstime)"
	)
	switch {
	case len(tree) == 0:
		return byCgroup
	case len(cgroup) == 0:
		return byTree + ", since no cpuacct cgroup could be made"
	}
	return byCgroup + " for " + strings.Join(cgroup, ", ") + "; " + byTree + " for " + strings.Join(tree, ", ") +
		", for which no cpuacct cgroup could be made"
}
