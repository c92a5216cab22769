package config

// ParseByteCount reads a count of bytes, 0 or more, with K, M or G after
// it as ParseRate takes them and no upper bound below ParseRate's: a file
// size, for FTPHashMaxSize and -hash-max-size, where ParseSize's 1G
// ceiling (a buffer's) would be too low.
func ParseByteCount(s string) (int64, error) {
	v, err := ParseRate(s)
	if err != nil {
		return 0, errorf("%s is not a number of bytes (a number, K, M or G after it)", quoteName(s))
	}
	return v, nil
}

func byteCount(get func(*Server) *Opt[int64]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := ParseByteCount(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}
