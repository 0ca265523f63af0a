package field

import (
	"errors"
	"fmt"
	"strings"
)

// Path is a dotted field path such as "network.subnets[1].cidr". The zero
// value is the empty path.
type Path string

// NewPath returns the path of a top-level field.
func NewPath(name string) Path { return Path(name) }

// Child returns the path of a named field below p.
func (p Path) Child(name string) Path {
	if p == "" {
		return Path(name)
	}
	return Path(string(p) + "." + name)
}

// Index returns the path of the i-th element of the list at p.
func (p Path) Index(i int) Path { return Path(fmt.Sprintf("%s[%d]", p, i)) }

// Key returns the path of the map entry k of the map at p.
func (p Path) Key(k string) Path { return Path(fmt.Sprintf("%s[%q]", p, k)) }

// String returns the path as written in errors.
func (p Path) String() string { return string(p) }

// Error is one invalid field.
type Error struct {
	// Path is where the value was found.
	Path Path
	// Value is the value seen, as the user wrote it; nil when the field is
	// missing.
	Value any
	// Detail says what is wrong and how to fix it.
	Detail string
}

// Error renders `path "value": detail`, or `path: detail` when there is no
// value to show. A problem of the input as a whole (the empty path, such as
// a YAML syntax error) renders as its value and detail alone, never as a
// line that starts with ": ".
func (e *Error) Error() string {
	var subject string
	switch v := e.Value.(type) {
	case nil:
		subject = string(e.Path)
	case string:
		subject = strings.TrimPrefix(fmt.Sprintf("%s %q", e.Path, v), " ")
	default:
		subject = strings.TrimPrefix(fmt.Sprintf("%s %v", e.Path, v), " ")
	}
	if subject == "" {
		return e.Detail
	}
	return subject + ": " + e.Detail
}

// Invalid returns an Error for path with the value seen and a detail that
// says what is wrong and how to fix it.
func Invalid(path Path, value any, detail string, args ...any) *Error {
	return &Error{Path: path, Value: value, Detail: fmt.Sprintf(detail, args...)}
}

// Required returns an Error for a missing field.
func Required(path Path, detail string, args ...any) *Error {
	return &Error{Path: path, Detail: "required: " + fmt.Sprintf(detail, args...)}
}

// List collects the problems of one input. The zero value is ready to use.
type List []*Error

// Add appends problems to the list; nil errors are skipped.
func (l *List) Add(errs ...*Error) {
	for _, e := range errs {
		if e != nil {
			*l = append(*l, e)
		}
	}
}

// Addf appends an Error for path.
func (l *List) Addf(path Path, value any, detail string, args ...any) {
	l.Add(Invalid(path, value, detail, args...))
}

// Extend appends every problem held by err: the elements of an *ErrorList,
// an *Error, or, for any other non-nil error, one Error at path.
func (l *List) Extend(path Path, err error) {
	if err == nil {
		return
	}
	var el *ErrorList
	if errors.As(err, &el) {
		*l = append(*l, el.Errors...)
		return
	}
	var fe *Error
	if errors.As(err, &fe) {
		l.Add(fe)
		return
	}
	l.Add(&Error{Path: path, Detail: err.Error()})
}

// Err returns the problems as an *ErrorList, or nil when there are none.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return &ErrorList{Errors: append([]*Error(nil), l...)}
}

// ErrorList is the error a validation returns: every problem found, one per
// line, in the order they were found.
type ErrorList struct {
	// Errors holds each problem.
	Errors []*Error
}

// Error renders one problem per line, field path first.
func (e *ErrorList) Error() string {
	lines := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		lines[i] = fe.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each problem to errors.Is and errors.As.
func (e *ErrorList) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		out[i] = fe
	}
	return out
}
