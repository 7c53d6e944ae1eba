package alipaysim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LoadConfig reads a JSON config file and the key and certificate files it names, which
// are relative to the config file's directory. Unknown fields are errors, so a typo does
// not silently fall back to a default. The result is validated by New.
func LoadConfig(path string) (Config, error) {
	var cfg Config
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	if dec.More() {
		return cfg, fmt.Errorf("config %s: data after the JSON object", path)
	}
	if err := cfg.readFiles(filepath.Dir(path)); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// readFiles moves the contents of every *_file field into its inline twin.
func (c *Config) readFiles(dir string) error {
	top := []struct {
		name         string
		file, inline *string
	}{
		{"alipay_private_key", &c.AlipayPrivateKeyFile, &c.AlipayPrivateKey},
		{"alipay_cert", &c.AlipayCertFile, &c.AlipayCert},
		{"alipay_root_cert", &c.AlipayRootCertFile, &c.AlipayRootCert},
		{"alipay_root_key", &c.AlipayRootKeyFile, &c.AlipayRootKey},
		{"platform_private_key", &c.PlatformPrivateKeyFile, &c.PlatformPrivateKey},
	}
	var errs []error
	for _, f := range top {
		errs = append(errs, readInto(dir, f.name, f.file, f.inline))
	}
	for i := range c.Apps {
		a := &c.Apps[i]
		where := fmt.Sprintf("apps[%d] (%s): ", i, a.AppID)
		for _, err := range []error{
			readInto(dir, "app_public_key", &a.AppPublicKeyFile, &a.AppPublicKey),
			readInto(dir, "app_cert", &a.AppCertFile, &a.AppCert),
		} {
			if err != nil {
				errs = append(errs, errors.New(where+err.Error()))
			}
		}
	}
	return errors.Join(errs...)
}

func readInto(dir, name string, file, inline *string) error {
	if *file == "" {
		return nil
	}
	if *inline != "" {
		return fmt.Errorf("set %s_file or %s, not both", name, name)
	}
	p := *file
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("%s_file: %w", name, err)
	}
	*inline = string(b)
	*file = p
	return nil
}
