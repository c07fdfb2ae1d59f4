package bench

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// serveOnce answers each request on one connection with the next of
// answers, raw, and closes after the last.
func serveOnce(t *testing.T, answers ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for _, a := range answers {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			for part := range strings.SplitSeq(a, "\x00") { // \x00 separates answers on one connection
				for { // read one request head (the tests send no body)
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				c.Write([]byte(part))
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

func TestConnFraming(t *testing.T) {
	req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	addr := serveOnce(t,
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello\x00"+
			"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nfaul\r\n2\r\nt!\r\n0\r\nTrailer: x\r\n\r\n\x00"+
			"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye",
		"HTTP/1.0 200 OK\r\n\r\nuntil the end",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	)
	c := &conn{addr: addr}
	deadline := time.Now().Add(5 * time.Second)
	tests := []struct {
		status int
		body   string
		open   bool
	}{
		{200, "hello", true},
		{500, "fault!", true},
		{200, "bye", false},           // Connection: close
		{200, "until the end", false}, // HTTP/1.0 without a length: the body ends with the connection
	}
	for i, tt := range tests {
		status, body, err := c.exchange(req, deadline)
		if err != nil || status != tt.status || string(body) != tt.body || (c.nc != nil) != tt.open {
			t.Errorf("answer %d: status %d body %q err %v open %v; want %d %q open %v",
				i, status, body, err, c.nc != nil, tt.status, tt.body, tt.open)
		}
	}
	if _, _, err := c.exchange(req, deadline); err == nil || c.nc != nil {
		t.Errorf("negative Content-Length: err %v, open %v; want an error and a closed connection", err, c.nc != nil)
	}
}
