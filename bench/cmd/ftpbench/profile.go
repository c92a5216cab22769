package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ftpsd/ftpsd/bench/peers"
	"github.com/ftpsd/ftpsd/bench/report"
	"github.com/ftpsd/ftpsd/bench/scenario"
)

// profiled runs the chosen cases once on an ftpsd started with -profile
// kind and returns the profile's path.
func profiled(ctx context.Context, o *options, env *peers.Env, kind, runName string, d *display, prog *scenario.Progress) (string, error) {
	penv := *env
	penv.Profile = kind
	for i, p := range peers.All() {
		if p.Name == report.Self {
			dir := filepath.Join(env.Dir, "run", runName, "ftpsd-profile")
			_ = os.RemoveAll(dir)
			lo, hi := pasvRange(i)
			r, err := peers.Start(&penv, p, runName, lo, hi)
			if err != nil {
				return "", err
			}
			for _, c := range buildCases(o) {
				if (c.only != "" && c.only != report.Self) || (c.kind != "" && c.kind != env.Cert.Kind) {
					continue
				}
				res := c.run(ctx, targetFor(&penv, p, r), prog)
				d.logf("[profile %s] %s %s: %s", kind, res.Scenario, res.Case, brief(res))
				if c.store {
					clearUploads(env)
				}
			}
			r.Stop() // SIGTERM: ftpsd writes the profile
			m, _ := filepath.Glob(filepath.Join(dir, "*"))
			if len(m) == 0 {
				return "", fmt.Errorf("ftpsd wrote no profile under %s", dir)
			}
			return m[0], nil
		}
	}
	return "", fmt.Errorf("no ftpsd peer")
}

// pprofTop is `go tool pprof -top` of a profile of the ftpsd binary.
func pprofTop(bin, prof string, nodes int) (string, error) {
	out, err := exec.Command("go", "tool", "pprof", "-top", fmt.Sprintf("-nodecount=%d", nodes), bin, prof).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %w\n%s", err, out)
	}
	// Drop the preamble lines naming local paths; keep from "Showing nodes".
	s := string(out)
	if i := strings.Index(s, "Showing nodes"); i >= 0 {
		s = s[i:]
	}
	return s, nil
}

// profileRun is -profile: the chosen scenarios on a profiled ftpsd, the
// pprof top printed.
func profileRun(ctx context.Context, o *options, env *peers.Env, d *display, prog *scenario.Progress) error {
	prof, err := profiled(ctx, o, env, o.profile, "ftpsd-profile-"+o.profile, d, prog)
	if err != nil {
		return err
	}
	d.logf("profile: %s", prof)
	if o.profile == "trace" {
		d.logf("view it with: go tool trace %s", prof)
		return nil
	}
	top, err := pprofTop(env.FtpsdBin, prof, 30)
	if err != nil {
		return err
	}
	fmt.Println(top)
	d.logf("more: go tool pprof -http=: %s %s", env.FtpsdBin, prof)
	return nil
}

// reportProfiles CPU-profiles ftpsd in bulk TLS and in churn for the report.
func reportProfiles(ctx context.Context, o *options, env *peers.Env, d *display, prog *scenario.Progress) []report.Profile {
	var out []report.Profile
	for _, p := range []struct{ title, scenarios, only string }{
		{"Bulk TLS: RETR PROT P, 1 stream (" + report.SizeName(o.volume) + ")", "bulk", "RETR PROT P x1"},
		{"Bulk TLS: STOR PROT P, 1 stream (" + report.SizeName(o.volume) + ")", "bulk", "STOR PROT P x1"},
		{fmt.Sprintf("Churn: %d clients for %s", o.churnClients, o.churn), "churn", scenario.ChurnConfig{Clients: o.churnClients}.Name()},
	} {
		po := *o
		po.scenarios = []string{p.scenarios}
		po.only = p.only
		name := "ftpsd-profile-" + p.scenarios
		if p.only != "" {
			name += "-" + strings.ToLower(strings.ReplaceAll(p.only, " ", "-"))
		}
		prof, err := profiled(ctx, &po, env, "cpu", name, d, prog)
		if err != nil {
			d.logf("profile %s: %v", p.title, err)
			continue
		}
		top, err := pprofTop(env.FtpsdBin, prof, 25)
		if err != nil {
			d.logf("profile %s: %v", p.title, err)
			continue
		}
		cmd := "go run ./bench/cmd/ftpbench -servers ftpsd -certs " + env.Cert.Kind + " -scenarios " + p.scenarios + " -profile cpu"
		if p.only != "" {
			cmd += fmt.Sprintf(" -case '%s'", p.only)
		}
		if o.volume != 1<<30 {
			cmd += " -volume " + fmt.Sprint(o.volume)
		}
		out = append(out, report.Profile{Title: p.title + ", " + peers.KindName(env.Cert.Kind) + " certificate", Command: cmd, Top: top})
	}
	return out
}
