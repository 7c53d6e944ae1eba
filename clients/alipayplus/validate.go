package alipayplus

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/reachhq/reach/clients/alipayerr"
)

// FieldError is one request field that breaks a documented rule (§4.5, §4.6), named by its
// JSON name so the transport edge can report it as a field violation.
type FieldError struct {
	Field, Description string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Description }

// FieldErrors is every violation found in one request. errors.As finds each *FieldError.
type FieldErrors []*FieldError

func (fe FieldErrors) Error() string {
	s := make([]string, len(fe))
	for i, e := range fe {
		s[i] = e.Error()
	}
	return "invalid request: " + strings.Join(s, "; ")
}

func (fe FieldErrors) Unwrap() []error {
	errs := make([]error, len(fe))
	for i, e := range fe {
		errs[i] = e
	}
	return errs
}

// checker collects violations. Lengths are counted in characters, the unit of the API docs;
// the identifiers are ASCII in practice, where characters and bytes agree.
type checker struct{ errs FieldErrors }

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, &FieldError{Field: field, Description: fmt.Sprintf(format, args...)})
}

// required checks a mandatory string field and its maximum length (0: no documented limit).
func (c *checker) required(field, v string, maxLen int) {
	if v == "" {
		c.add(field, "required")
		return
	}
	c.optional(field, v, maxLen)
}

// optional checks the maximum length of a field that may be empty.
func (c *checker) optional(field, v string, maxLen int) {
	if n := utf8.RuneCountInString(v); maxLen > 0 && n > maxLen {
		c.add(field, "%d characters, at most %d allowed", n, maxLen)
	}
}

// err is nil or a BadRequest *alipayerr.Error wrapping the violations; nothing was sent.
func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return &alipayerr.Error{Class: alipayerr.BadRequest, Err: c.errs}
}
