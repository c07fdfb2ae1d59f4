package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// maxBody bounds the answer body the built-in generator reads.
const maxBody = 1 << 20

// conn is one keep-alive HTTP/1.1 connection of the built-in generator. It
// writes prepared request bytes and reads the answer with no more work than
// HTTP/1.1 framing needs: the status, Content-Length or chunked transfer
// coding, and Connection: close. After an error it closes, and the next
// exchange dials again.
type conn struct {
	addr string // host:port

	mu sync.Mutex // guards nc against interrupt
	nc net.Conn
	br *bufio.Reader

	body []byte // the last answer's body, reused
}

// exchange sends req and reads the answer, all before deadline. The body
// it returns is valid until the next exchange.
func (c *conn) exchange(req []byte, deadline time.Time) (status int, body []byte, err error) {
	if c.nc == nil {
		if err := c.dial(deadline); err != nil {
			return 0, nil, err
		}
	}
	if err := c.nc.SetDeadline(deadline); err != nil {
		c.close()
		return 0, nil, err
	}
	if _, err := c.nc.Write(req); err != nil {
		c.close()
		return 0, nil, err
	}
	status, keep, err := c.readResponse()
	if err != nil || !keep {
		c.close()
	}
	return status, c.body, err
}

func (c *conn) dial(deadline time.Time) error {
	d := net.Dialer{Deadline: deadline, Timeout: 5 * time.Second}
	nc, err := d.Dial("tcp", c.addr)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.nc = nc
	c.mu.Unlock()
	if c.br == nil {
		c.br = bufio.NewReaderSize(nc, 16<<10)
	} else {
		c.br.Reset(nc)
	}
	return nil
}

// close closes the connection; the next exchange dials again.
func (c *conn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
}

// interrupt makes a blocked exchange return at once.
func (c *conn) interrupt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nc != nil {
		c.nc.SetDeadline(time.Unix(1, 0))
	}
}

var errFraming = errors.New("bench: malformed HTTP answer")

// readResponse reads one answer into c.body and reports its status and
// whether the connection stays open.
func (c *conn) readResponse() (status int, keep bool, err error) {
	line, err := c.line()
	if err != nil {
		return 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, false, fmt.Errorf("%w: status line %q", errFraming, excerpt(line))
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, fmt.Errorf("%w: status line %q", errFraming, excerpt(line))
	}
	keep = line[7] == '1'
	length, chunked := -1, false
	for {
		line, err := c.line()
		if err != nil {
			return status, false, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return status, false, fmt.Errorf("%w: header %q", errFraming, excerpt(line))
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return status, false, fmt.Errorf("%w: Content-Length %q", errFraming, value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(value, []byte("close")) {
				keep = false
			}
		}
	}
	c.body = c.body[:0]
	switch {
	case chunked:
		err = c.readChunked()
	case length >= 0:
		err = c.readN(length)
	default: // the body ends with the connection
		keep = false
		var b []byte
		b, err = io.ReadAll(io.LimitReader(c.br, maxBody+1))
		c.body = append(c.body, b...)
		if err == nil && len(c.body) > maxBody {
			err = fmt.Errorf("%w: body over %d bytes", errFraming, maxBody)
		}
	}
	return status, keep, err
}

// line reads one header line without its CRLF; it is valid until the next read.
func (c *conn) line() ([]byte, error) {
	b, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			err = fmt.Errorf("%w: header line too long", errFraming)
		}
		return nil, err
	}
	return bytes.TrimRight(b, "\r\n"), nil
}

// readN appends n body bytes to c.body.
func (c *conn) readN(n int) error {
	if len(c.body)+n > maxBody {
		return fmt.Errorf("%w: body over %d bytes", errFraming, maxBody)
	}
	start := len(c.body)
	c.body = slices.Grow(c.body, n)[:start+n]
	_, err := io.ReadFull(c.br, c.body[start:])
	return err
}

// readChunked reads a chunked body and its trailer.
func (c *conn) readChunked() error {
	for {
		line, err := c.line()
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseUint(string(bytes.TrimSpace(size)), 16, 31)
		if err != nil {
			return fmt.Errorf("%w: chunk size %q", errFraming, excerpt(line))
		}
		if n == 0 {
			for { // trailer
				line, err := c.line()
				if err != nil || len(line) == 0 {
					return err
				}
			}
		}
		if err := c.readN(int(n)); err != nil {
			return err
		}
		if crlf, err := c.line(); err != nil || len(crlf) != 0 {
			return fmt.Errorf("%w: chunk not followed by CRLF", errFraming)
		}
	}
}
