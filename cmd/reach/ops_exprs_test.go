package main

// Reading the PromQL of ops/ (the Grafana dashboard and the alert rules) for the metric
// names it uses. A small lexer, not the Prometheus parser (a large dependency): it removes
// what cannot be a metric name — strings, label matchers, ranges, grouping label lists,
// Grafana variables, numbers and durations — and keeps the identifiers that are not
// functions or keywords. Its own tests below pin what it does.

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	promStrings  = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")
	promMatchers = regexp.MustCompile(`\{[^{}]*\}`)
	promRanges   = regexp.MustCompile(`\[[^\[\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	grafanaVars  = regexp.MustCompile(`\$\{[^}]*\}|\$\w+`)
	// A number with whatever letters follow it (1e3, 0x1f, 5m) is one token, never a name.
	promTokens = regexp.MustCompile(`[0-9][0-9a-zA-Z_.]*|[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
)

// promKeywords are identifiers that are not metric names when not followed by "(".
var promKeywords = []string{"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
	"group_left", "group_right", "inf", "nan", "atan2"}

// metricNames returns the metric names expr selects, in order of first use.
func metricNames(expr string) []string {
	s := promStrings.ReplaceAllString(expr, " ")
	s = grafanaVars.ReplaceAllString(s, " ")
	for _, re := range []*regexp.Regexp{promMatchers, promRanges, promGrouping} {
		s = re.ReplaceAllString(s, " ")
	}
	var names []string
	for _, m := range promTokens.FindAllStringSubmatch(s, -1) {
		tok := m[0]
		switch {
		case tok[0] >= '0' && tok[0] <= '9', m[1] != "": // a number, or a function call
		case slices.Contains(promKeywords, strings.ToLower(tok)):
		case !slices.Contains(names, tok):
			names = append(names, tok)
		}
	}
	return names
}

func TestMetricNames(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`up`, []string{"up"}},
		{`absent(reach_delivery_claimed_total{job="reach"})`, []string{"reach_delivery_claimed_total"}},
		{`max(reach_queue_oldest_age_seconds{job="reach"}) > 600`, []string{"reach_queue_oldest_age_seconds"}},
		{`histogram_quantile(0.99, sum by (le, grpc_method) (rate(grpc_server_handling_seconds_bucket{job="$job"}[$__rate_interval])))`,
			[]string{"grpc_server_handling_seconds_bucket"}},
		{"(sum by (product) (rate(a_total{outcome=\"failed\"}[15m])) / sum by (product) (rate(a_total[15m]))) > 0.1\nand\nsum without (instance) (increase(b_total[15m])) >= 2e1",
			[]string{"a_total", "b_total"}},
		{`rate(x_total{job=~"a|b", note='{not} a name'}[5m] offset 1h) * on (instance) group_left (version) build_info`,
			[]string{"x_total", "build_info"}},
		{`sum(rate(c{quantile="1"}[1m:30s])) or vector(0) unless ignoring(le) d`, []string{"c", "d"}},
		{`go_gc_duration_seconds{quantile="1"} + rate(go_gc_duration_seconds_count[${__rate_interval}])`,
			[]string{"go_gc_duration_seconds", "go_gc_duration_seconds_count"}},
		{`label_replace(a, "dst", "$1", "src", "(.*)")`, []string{"a"}},
		{`-1 * abs(m1) < bool Inf`, []string{"m1"}},
	} {
		if got := metricNames(tc.expr); !slices.Equal(got, tc.want) {
			t.Errorf("metricNames(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

// dashboardExprs returns the expression of every panel target in a Grafana dashboard,
// panels inside rows too. It fails the test on a dashboard Grafana would not import: not
// JSON, no panels, a panel id used twice, a target without an expression.
func dashboardExprs(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type panel struct {
		ID      int     `json:"id"`
		Title   string  `json:"title"`
		Type    string  `json:"type"`
		Panels  []panel `json:"panels"`
		Targets []struct {
			RefID string `json:"refId"`
			Expr  string `json:"expr"`
		} `json:"targets"`
	}
	var d struct {
		Title  string  `json:"title"`
		UID    string  `json:"uid"`
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if d.Title == "" || d.UID == "" || len(d.Panels) == 0 {
		t.Fatalf("%s: want a title, a uid and panels", path)
	}
	var exprs []string
	ids := map[int]string{}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if other, ok := ids[p.ID]; ok || p.ID == 0 {
				t.Errorf("%s: panel %q has id %d (also %q)", path, p.Title, p.ID, other)
			}
			ids[p.ID] = p.Title
			if p.Type != "row" && len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", path, p.Title)
			}
			for _, tg := range p.Targets {
				if strings.TrimSpace(tg.Expr) == "" {
					t.Errorf("%s: panel %q, query %s has no expression", path, p.Title, tg.RefID)
				}
				exprs = append(exprs, tg.Expr)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return exprs
}

// yamlBlock is an "expr: |" or "expr: >-" block scalar's header.
var yamlBlock = regexp.MustCompile(`^[|>][-+]?$`)

// ruleExprs returns the `expr:` of every rule in a Prometheus rule file: inline, quoted or
// a block scalar. Line-based: the file is ours and written that way; a rule file that
// yields no expression fails the test rather than passing empty.
func ruleExprs(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var exprs []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "expr:")
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		if !yamlBlock.MatchString(rest) {
			if len(rest) >= 2 && (rest[0] == '\'' || rest[0] == '"') && rest[len(rest)-1] == rest[0] {
				rest = rest[1 : len(rest)-1]
			}
			exprs = append(exprs, rest)
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		var block []string
		for i+1 < len(lines) {
			next := lines[i+1]
			if strings.TrimSpace(next) != "" && len(next)-len(strings.TrimLeft(next, " ")) <= indent {
				break
			}
			block = append(block, strings.TrimSpace(next))
			i++
		}
		exprs = append(exprs, strings.TrimSpace(strings.Join(block, "\n")))
	}
	if len(exprs) == 0 {
		t.Fatalf("%s: no rule expressions found", path)
	}
	return exprs
}

func TestRuleExprs(t *testing.T) {
	path := t.TempDir() + "/rules.yml"
	src := "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n" +
		"      - alert: B\n        expr: 'max(b) > 1'\n      - alert: C\n        expr: |\n          sum(c)\n\n            / sum(d)\n        for: 1m\n" +
		"      - alert: D\n        expr: >-\n          e\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []string{"up == 0", "max(b) > 1", "sum(c)\n\n/ sum(d)", "e"}
	if got := ruleExprs(t, path); !slices.Equal(got, want) {
		t.Fatalf("ruleExprs = %q, want %q", got, want)
	}
}
