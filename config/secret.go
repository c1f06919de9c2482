package config

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
)

// maxPasswordFileBytes stops a mistaken password_file (a log, /dev/zero)
// from being read whole into memory and sent as a password.
const maxPasswordFileBytes = 64 << 10

const redacted = "<secret>"

// readPasswordFile trims only trailing line breaks: `echo pw > file` adds
// one, but other whitespace may be part of the password.
func readPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordFileBytes+1))
	if err != nil {
		return "", fmt.Errorf("cannot read %s: %w", path, err)
	}
	if len(b) > maxPasswordFileBytes {
		return "", fmt.Errorf("%s is larger than %d bytes; is it really a password file?", path, maxPasswordFileBytes)
	}
	pw := strings.TrimRight(string(b), "\r\n")
	if pw == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return pw, nil
}

// checkReadable reports a missing or unreadable TLS file at load time rather
// than at the first scrape, where it would look like a network problem.
func checkReadable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot read: %w", err)
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	return nil
}

// Format keeps passwords and TLS keys out of every fmt verb (%v, %+v, %#v,
// %s), because prometheus/common's Secret is a bare string type that fmt
// would otherwise print verbatim, and configs end up in logs.
func (s Server) Format(f fmt.State, verb rune) {
	type plain Server // drops the Format method to avoid recursion
	c := plain(s.redacted())
	fmt.Fprintf(f, fmt.FormatString(f, verb), c)
}

// String is for callers that want the redacted form without fmt.
func (s Server) String() string { return fmt.Sprintf("%+v", s) }

func (s Server) redacted() Server {
	if s.Password != "" {
		s.Password = redacted
	}
	if s.filePassword != "" {
		s.filePassword = redacted
	}
	if s.TLSConfig.Key != "" {
		s.TLSConfig.Key = redacted
	}
	return s
}

// Equal reports whether a reload left the server unchanged, including the
// password read from password_file, so the caller can keep its HTTP client
// and bearer token for unchanged servers and rebuild the rest.
func (s *Server) Equal(o *Server) bool {
	if s == nil || o == nil {
		return s == o
	}
	return reflect.DeepEqual(*s, *o)
}
