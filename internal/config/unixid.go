package config

import (
	"strconv"
	"strings"
)

// unixID sets a User or Group directive: a name, or "#" and a number, as
// mod_unixd takes them. Whether the name exists is checked when the server
// starts (setup), where a missing one is an error naming this line.
func unixID(get func(*Server) *Opt[string]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v := n.args[0]
		if err := checkUnixID(v); err != nil {
			return err
		}
		*get(p.srv) = setOpt(v, n.pos)
		return nil
	}
}

func checkUnixID(v string) error {
	if num, ok := strings.CutPrefix(v, "#"); ok {
		if _, err := strconv.ParseUint(num, 10, 31); err != nil {
			return errorf("%s is not # and a number", quoteName(v))
		}
		return nil
	}
	if v == "" || strings.ContainsAny(v, " \t:/\x00") {
		return errorf("%s is not a user or group name", quoteName(v))
	}
	return nil
}
