package config

import (
	"maps"
	"net/netip"
	"slices"
)

// Servers returns the effective servers: the main server first, then every virtual host in file
// order with the settings it leaves unset taken from the main server (Apache's merge):
//
//   - every single-valued setting (Opt fields, ServerName, DocumentRoot, ErrorLog, LogLevel, every
//     SSL* and FTP* directive) is inherited when the virtual host does not set it;
//   - SSLCertificateFile/SSLCertificateKeyFile are inherited as a whole, only when the virtual
//     host has no SSLCertificateFile;
//   - FTPOptions: a bare list in the virtual host replaces the main server's set, +/- lines
//     modify it (Options.Apply); on the result Has tells the final set;
//   - LogFormats: the main server's nicknames plus the virtual host's, which win;
//   - CustomLogs: the main server's, only when the virtual host has none;
//   - ServerAlias is not inherited;
//   - per-directory settings: the main server's Dir with the virtual host's Dir laid over it, and
//     the main server's <Directory> and <Location> sections before the virtual host's.
//
// The slice is new; the servers are shared and must not be modified.
func (c *Config) Servers() []*Server { return slices.Clone(c.servers) }

// Match returns the effective servers that may serve a connection accepted on local (the
// listener's local address), the default first: the virtual hosts with an address equal to
// local's IP and a matching port; if none, those with * or _default_ and a matching port (Apache
// 2.4 treats both alike); if none, the main server alone. Among several, HOST (RFC 7151) or a
// user@host login chooses by name (the loop matches ServerName and ServerAlias); until then the
// first serves.
func (c *Config) Match(local netip.AddrPort) []*Server {
	return c.match(local.Addr(), local.Port())
}

// match is Match where ip may be the zero Addr (an address no virtual host names) and port may
// be 0: a Listen on port 0 (an ftpsd extension, for tests) stands for whichever port the
// configuration names, so it matches the virtual hosts of every port.
func (c *Config) match(ip netip.Addr, port uint16) []*Server {
	ip = ip.Unmap()
	var exact, wild []*Server
	for _, v := range c.servers[1:] {
		isExact, isWild := false, false
		for _, a := range v.Addrs {
			if a.Port != 0 && port != 0 && a.Port != port {
				continue
			}
			switch a.Kind {
			case AddrIP:
				isExact = isExact || (ip.IsValid() && a.IP == ip)
			default:
				isWild = true
			}
		}
		if isExact {
			exact = append(exact, v)
		} else if isWild {
			wild = append(wild, v)
		}
	}
	switch {
	case len(exact) > 0:
		return exact
	case len(wild) > 0:
		return wild
	}
	return c.servers[:1:1]
}

// Reachable returns every server a connection on listener l may be given before any name is
// known: the Match results for each local address l may accept on, default first.
func (c *Config) Reachable(l Listen) []*Server {
	if ip, err := netip.ParseAddr(l.Host); err == nil {
		return c.match(ip, l.Port)
	}
	// A wildcard (or named) listener: each address a virtual host names, and any other one.
	var out []*Server
	add := func(ss []*Server) {
		for _, s := range ss {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	add(c.match(netip.Addr{}, l.Port))
	for _, v := range c.servers[1:] {
		for _, a := range v.Addrs {
			if a.Kind == AddrIP && (a.Port == 0 || l.Port == 0 || a.Port == l.Port) {
				add(c.match(a.IP, l.Port))
			}
		}
	}
	return out
}

// effectiveMain returns a copy of the main server with its FTPOptions folded.
func effectiveMain(m *Server) *Server {
	e := *m
	e.FTPOptions = Options{Replace: true, Base: m.FTPOptions.Apply(0), At: m.FTPOptions.At}
	return &e
}

// merge returns virtual host v with main's settings where v has none; see Servers.
func merge(main, v *Server) *Server {
	e := *v
	e.ServerName.inherit(main.ServerName)
	e.DocumentRoot.inherit(main.DocumentRoot)
	e.FTP.inherit(main.FTP)

	t, mt := &e.SSL, &main.SSL
	t.Engine.inherit(mt.Engine)
	if len(t.CertificateFile) == 0 {
		t.CertificateFile, t.CertificateKeyFile = mt.CertificateFile, mt.CertificateKeyFile
	}
	t.CertificateChainFile.inherit(mt.CertificateChainFile)
	t.CACertificateFile.inherit(mt.CACertificateFile)
	t.VerifyClient.inherit(mt.VerifyClient)
	t.VerifyDepth.inherit(mt.VerifyDepth)
	t.Protocol.inherit(mt.Protocol)
	t.CipherSuite.inherit(mt.CipherSuite)
	t.Groups.inherit(mt.Groups)
	t.UserName.inherit(mt.UserName)

	at := v.FTPOptions.At
	if at.File == "" {
		at = main.FTPOptions.At
	}
	e.FTPOptions = Options{Replace: true, Base: v.FTPOptions.Apply(main.FTPOptions.Apply(0)), At: at}
	e.FTPPASVRange.inherit(main.FTPPASVRange)
	e.FTPPASVAddr.inherit(main.FTPPASVAddr)
	e.FTPPASVBindAddr.inherit(main.FTPPASVBindAddr)
	e.FTPEPSVIgnoreFamily.inherit(main.FTPEPSVIgnoreFamily)
	e.FTPActiveRange.inherit(main.FTPActiveRange)
	e.FTPTimeoutLogin.inherit(main.FTPTimeoutLogin)
	e.FTPTimeoutIdle.inherit(main.FTPTimeoutIdle)
	e.FTPTimeoutData.inherit(main.FTPTimeoutData)
	e.FTPMaxLoginAttempts.inherit(main.FTPMaxLoginAttempts)
	e.FTPBannerMessage.inherit(main.FTPBannerMessage)
	e.FTPExitMessage.inherit(main.FTPExitMessage)
	e.FTPHomeDir.inherit(main.FTPHomeDir)
	e.FTPJailUser.inherit(main.FTPJailUser)
	e.FTPDocRootEnv.inherit(main.FTPDocRootEnv)
	e.FTPLimitLoginIP.inherit(main.FTPLimitLoginIP)
	e.FTPLimitLoginUser.inherit(main.FTPLimitLoginUser)
	e.FTPLimitLoginServer.inherit(main.FTPLimitLoginServer)
	e.FTPDataBlockSize.inherit(main.FTPDataBlockSize)
	e.FTPImplicitSSL.inherit(main.FTPImplicitSSL)
	e.FTPLimitDBFile.inherit(main.FTPLimitDBFile)
	e.FTPLowPortSock.inherit(main.FTPLowPortSock)
	e.FTPRateLimitSession.inherit(main.FTPRateLimitSession)
	e.FTPRateLimitServer.inherit(main.FTPRateLimitServer)
	e.FTPLoginBan.inherit(main.FTPLoginBan)
	e.RemoteIPProxyProtocol.inherit(main.RemoteIPProxyProtocol)
	e.FTPPASVaddrFor.inherit(main.FTPPASVaddrFor)
	e.FTPPASVAnnounceRange.inherit(main.FTPPASVAnnounceRange)

	e.ErrorLog.inherit(main.ErrorLog)
	e.LogLevel.inherit(main.LogLevel)
	e.LogFormats = maps.Clone(main.LogFormats)
	maps.Copy(e.LogFormats, v.LogFormats)
	if len(e.CustomLogs) == 0 {
		e.CustomLogs = main.CustomLogs
	}

	dir := *main.Dir
	dir.mergeFrom(v.Dir)
	dir.At = v.Dir.At
	e.Dir = &dir
	e.Directories = slices.Concat(main.Directories, v.Directories)
	e.Locations = slices.Concat(main.Locations, v.Locations)
	return &e
}
