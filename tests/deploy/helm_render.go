// helm_render renders a Helm chart's templates the way `helm template` does, with
// Go's own text/template (the engine Helm is built on) and the Helm functions the
// gangway chart uses. Neither Debian nor npm packages Helm; this keeps the chart's
// test to the standard library (golang-go is installed for the docs' Go snippets).
//
//	go run helm_render.go CHART_DIR CONTEXT_JSON
//
// CONTEXT_JSON holds {"Values": {…}, "Chart": {"Name", "Version", "AppVersion"},
// "Release": {"Name", "Namespace", "Service"}}, values already merged (the caller
// reads values.yaml: Go's standard library has no YAML parser). The output is
// every rendered template but _*.tpl partials, each after "---" and a "# Source:"
// line as helm prints it; templates that render to whitespace are left out. Any
// template error (a `required` value missing, an unknown function) exits 1 with
// helm's kind of message.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: helm_render CHART_DIR CONTEXT_JSON")
		os.Exit(2)
	}
	out, err := render(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

func render(chartDir, contextPath string) (string, error) {
	raw, err := os.ReadFile(contextPath)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var ctx map[string]interface{}
	if err := dec.Decode(&ctx); err != nil {
		return "", fmt.Errorf("%s: %v", contextPath, err)
	}
	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	root := template.New("chart").Option("missingkey=zero")
	root.Funcs(funcs(root))
	chartName := fmt.Sprint(ctx["Chart"].(map[string]interface{})["Name"])
	var names []string
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		name := chartName + "/templates/" + filepath.Base(f)
		if _, err := root.New(name).Parse(string(text)); err != nil {
			return "", err
		}
		if !strings.HasPrefix(filepath.Base(f), "_") && strings.HasSuffix(f, ".yaml") {
			names = append(names, name)
		}
	}
	var out strings.Builder
	for _, name := range names {
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, ctx); err != nil {
			return "", err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, strings.TrimRight(text, "\n"))
	}
	return out.String(), nil
}

func funcs(root *template.Template) template.FuncMap {
	return template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			var buf bytes.Buffer
			err := root.ExecuteTemplate(&buf, name, data)
			return buf.String(), err
		},
		"required": func(message string, v interface{}) (interface{}, error) {
			if empty(v) {
				return nil, fmt.Errorf("execution error: %s", message)
			}
			return v, nil
		},
		"default": func(fallback interface{}, v ...interface{}) interface{} {
			if len(v) == 0 || empty(v[0]) {
				return fallback
			}
			return v[0]
		},
		"quote":        func(v interface{}) string { return strconv.Quote(fmt.Sprint(v)) },
		"toYaml":       func(v interface{}) string { return strings.TrimSuffix(yaml(v, 0), "\n") },
		"toJson":       func(v interface{}) (string, error) { b, err := json.Marshal(v); return string(b), err },
		"toPrettyJson": func(v interface{}) (string, error) { b, err := json.MarshalIndent(v, "", "  "); return string(b), err },
		"indent":       func(n int, s string) string { return indent(n, s) },
		"nindent":      func(n int, s string) string { return "\n" + indent(n, s) },
		"trunc": func(n int, s string) string {
			if len(s) > n {
				return s[:n]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"sha256sum":  func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) },
		"add": func(vs ...interface{}) (int64, error) {
			var sum int64
			for _, v := range vs {
				n, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
				if err != nil {
					return 0, fmt.Errorf("add: %v is not an integer", v)
				}
				sum += n
			}
			return sum, nil
		},
	}
}

// Helm's (sprig's) idea of empty: nil, "", 0, false, and empty lists and maps.
func empty(v interface{}) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		f, _ := x.Float64()
		return f == 0
	case []interface{}:
		return len(x) == 0
	case map[string]interface{}:
		return len(x) == 0
	}
	return false
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_./-]*$`)

// yaml emits block-style YAML (what toYaml gives), strings JSON-quoted (valid YAML).
func yaml(v interface{}, level int) string {
	pad := strings.Repeat("  ", level)
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 0 {
			return pad + "{}\n"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			key := k
			if !plainKey.MatchString(k) {
				key = scalar(k)
			}
			if nested(x[k]) {
				fmt.Fprintf(&b, "%s%s:\n%s", pad, key, yaml(x[k], level+1))
			} else {
				fmt.Fprintf(&b, "%s%s: %s\n", pad, key, scalar(x[k]))
			}
		}
		return b.String()
	case []interface{}:
		if len(x) == 0 {
			return pad + "[]\n"
		}
		var b strings.Builder
		for _, item := range x {
			if nested(item) {
				// "- " then the item's first line; its other lines keep the item's indentation.
				body := yaml(item, level+1)
				fmt.Fprintf(&b, "%s- %s", pad, strings.TrimPrefix(body, pad+"  "))
			} else {
				fmt.Fprintf(&b, "%s- %s\n", pad, scalar(item))
			}
		}
		return b.String()
	}
	return pad + scalar(v) + "\n"
}

func nested(v interface{}) bool {
	switch x := v.(type) {
	case map[string]interface{}:
		return len(x) > 0
	case []interface{}:
		return len(x) > 0
	}
	return false
}

func scalar(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case map[string]interface{}:
		return "{}"
	case []interface{}:
		return "[]"
	case json.Number, bool:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(fmt.Sprint(v))
	return string(b)
}
