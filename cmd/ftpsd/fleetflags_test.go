package main

import (
	"io"
	"net/netip"
	"slices"
	"testing"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/loop"
)

// TestFleetFlags: -proxy-*, the -pasv-addr list and -pasv-announce-ports.
func TestFleetFlags(t *testing.T) {
	o, err := parseFlags([]string{"-proxy-protocol", "-proxy-data", "-proxy-trusted", "10.0.0.0/8, 192.0.2.7",
		"-pasv-addr", "10.0.0.0/8=10.1.1.1,192.168.0.0/16=192.168.1.1,203.0.113.7",
		"-pasv-ports", "30000-30099", "-pasv-announce-ports", "40000-40099"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := o.flags
	if !f.ProxyProtocol.Value || !f.ProxyData.Value {
		t.Errorf("-proxy-protocol %v, -proxy-data %v", f.ProxyProtocol, f.ProxyData)
	}
	if want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}; !slices.Equal(f.ProxyTrusted.Value, want) {
		t.Errorf("-proxy-trusted %v, want %v", f.ProxyTrusted.Value, want)
	}
	wantRules := []loop.PasvAddrRule{
		{Clients: netip.MustParsePrefix("10.0.0.0/8"), Addr: netip.MustParseAddr("10.1.1.1")},
		{Clients: netip.MustParsePrefix("192.168.0.0/16"), Addr: netip.MustParseAddr("192.168.1.1")},
	}
	if !slices.Equal(f.PasvAddrFor.Value, wantRules) || f.PasvAddr.Value != netip.MustParseAddr("203.0.113.7") {
		t.Errorf("-pasv-addr: rules %v, default %v", f.PasvAddrFor.Value, f.PasvAddr.Value)
	}
	if f.PasvAnnounce.Value != (config.PortRange{Lo: 40000, Hi: 40099}) {
		t.Errorf("-pasv-announce-ports %v", f.PasvAnnounce.Value)
	}

	o, err = parseFlags([]string{"-pasv-addr", "10.0.0.0/8=10.1.1.1,ftp.example.org"}, io.Discard)
	if err != nil || o.flags.PasvAddrName.Value != "ftp.example.org" || len(o.flags.PasvAddrFor.Value) != 1 || o.flags.PasvAddr.Value.IsValid() {
		t.Errorf("-pasv-addr with a name: %+v, %v", o.flags, err)
	}

	for _, bad := range [][]string{
		{"-pasv-addr", "ftp.example.org,1.2.3.4"},
		{"-pasv-addr", "10.0.0.0/8=ftp.example.org"},
		{"-proxy-trusted", "lb.example"},
		{"-pasv-source-check", "anyone"},
		{"-tls-ticket-lifetime", "0s"},
		{"-pasv-source-check", "proxy", "-proxy-data"},
		{"-proxy-timeout", "0s"},
		{"-pasv-addr", "10.0.0.0/8=2001:db8::1"},
		{"-pasv-addr", "1.2.3.4,5.6.7.8"},
		{"-pasv-addr", "10.0.0.0/40=1.2.3.4"},
		{"-pasv-announce-ports", "9-1"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
