package backend

import (
	"net/url"
	"regexp"
	"strings"
)

const mask = "xxxxx"

// secretParams are query parameters that carry a password in the DSN forms drivers accept.
var secretParams = []string{"password", "passwd", "pass", "pwd", "sslpassword"}

// keyValuePassword matches "password=…" in key=value connection strings.
var keyValuePassword = regexp.MustCompile(`(?i)\b(password|passwd|pwd|sslpassword)\s*=\s*('[^']*'|\S+)`)

// driverUserPass matches the "user:pass@" head of a go-sql-driver DSN.
var driverUserPass = regexp.MustCompile(`^([^:@/]*):[^@]*@`)

// Redact returns dsn with any password masked, for logs and error messages.
func Redact(dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return dsn // a path holds no credentials
	}
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && !strings.ContainsAny(scheme, " =@") {
		u, err := url.Parse(dsn)
		if err != nil {
			return scheme + "://" + mask // cannot tell where the password is: hide it all
		}
		if q := u.Query(); len(q) > 0 {
			changed := false
			for k := range q {
				for _, secret := range secretParams {
					if strings.EqualFold(k, secret) {
						q.Set(k, mask)
						changed = true
					}
				}
			}
			if changed {
				u.RawQuery = q.Encode()
			}
		}
		return u.Redacted()
	}
	out := keyValuePassword.ReplaceAllString(dsn, "${1}="+mask)
	return driverUserPass.ReplaceAllString(out, "${1}:"+mask+"@")
}
