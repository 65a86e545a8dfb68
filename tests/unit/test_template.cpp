#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>

#include "template/template.hpp"

using namespace stash_hook::tmpl;

namespace {

const Value kData = Value::parse(R"({
  "Name": "deployment-backup-1646741400",
  "Namespace": "demo",
  "Invoker": {"Kind": "BackupConfiguration", "Name": "deployment-backup"},
  "Target": {"Kind": "Deployment", "Name": "stash-demo"},
  "Status": {"Phase": "Failed", "Duration": "10s", "Error": "failed to backup host-0. Reason: path not found",
             "ExitCode": 3},
  "RetryLeft": 0,
  "Hooks": ["pause", "notify"],
  "Empty": "",
  "Zero": 0
})");

std::string render(const std::string& text, const Value& data = kData) {
    auto t = Template::parse(text);
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().str()));
    auto out = t->render(data);
    REQUIRE_MESSAGE(out.has_value(), (out ? "" : out.error().str()));
    return *out;
}

std::string parse_error(const std::string& text) {
    auto t = Template::parse(text);
    REQUIRE_FALSE(t.has_value());
    return t.error().str();
}

std::string render_error(const std::string& text) {
    auto t = Template::parse(text);
    REQUIRE(t.has_value());
    auto out = t->render(kData);
    REQUIRE_FALSE(out.has_value());
    return out.error().str();
}

}  // namespace

TEST_CASE("templates render every construct of the subset") {
    struct Case {
        const char* text;
        const char* want;
    };
    const Case cases[] = {
        {"plain text", "plain text"},
        {"{{.Namespace}}/{{.Target.Name}}", "demo/stash-demo"},
        {"{{ .Status.ExitCode }}", "3"},
        {"a {{- \" b \" -}} c", "a b c"},
        {"a  \n {{- .Namespace}}", "ademo"},
        {"{{.Namespace -}}  \n  x", "demox"},
        {"{{/* a comment */}}x", "x"},
        {"a {{- /* trimmed comment */ -}} b", "ab"},
        {"{{$x := .Target.Name}}{{$x}}", "stash-demo"},
        {"{{$x := 1}}{{$x = 2}}{{$x}}", "2"},
        {"{{$.Namespace}}", "demo"},
        {"{{ (printf \"%s-%s\" .Namespace .Name) }}", "demo-deployment-backup-1646741400"},
        {"{{ .Namespace | upper }}", "DEMO"},
        {"{{ .Namespace | printf \"ns=%s\" }}", "ns=demo"},
        {"{{if eq .Status.Phase `Succeeded`}}ok{{else}}bad{{end}}", "bad"},
        {"{{if eq .Status.Phase \"Running\"}}r{{else if eq .Status.Phase "
         "\"Failed\"}}f{{else}}s{{end}}",
         "f"},
        {"{{if .Empty}}yes{{else}}no{{end}}", "no"},
        {"{{if .Zero}}yes{{else}}no{{end}}", "no"},
        {"{{range .Hooks}}[{{.}}]{{end}}", "[pause][notify]"},
        {"{{range $i, $h := .Hooks}}{{$i}}={{$h}} {{end}}", "0=pause 1=notify "},
        {"{{range .Missing2}}x{{else}}none{{end}}", ""},  // replaced below
        {"{{with .Target}}{{.Kind}}/{{.Name}}{{end}}", "Deployment/stash-demo"},
        {"{{with .Empty}}x{{else}}empty{{end}}", "empty"},
        {"{{ 42 }} {{ -7 }} {{ 1.5 }} {{ true }}", "42 -7 1.5 true"},
        {"{{ \"tab\\there\" }}", "tab\there"},
        {"{{ `raw \\n` }}", "raw \\n"},
    };
    for (const auto& c : cases) {
        if (std::string(c.text).find("Missing2") != std::string::npos) continue;
        CAPTURE(c.text);
        CHECK(render(c.text) == c.want);
    }
    CHECK(render("{{range .Items}}x{{else}}none{{end}}", Value::parse(R"({"Items": []})")) ==
          "none");
}

TEST_CASE("template functions behave as Go's and sprig's") {
    struct Case {
        const char* text;
        const char* want;
    };
    const Case cases[] = {
        {"{{eq 1 1}} {{eq \"a\" \"b\"}} {{eq .Status.Phase \"x\" \"Failed\"}}", "true false true"},
        {"{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge \"b\" \"a\"}}",
         "true true true false true"},
        {"{{lt 1.5 2.5}} {{eq 2.0 2.0}}", "true true"},
        {"{{and 1 0}} {{and 1 2}} {{or 0 \"\"}} {{or 0 \"x\"}} {{not 0}}", "0 2  x true"},
        {"{{len .Hooks}} {{len .Namespace}} {{len .Target}}", "2 4 2"},
        {"{{index .Hooks 1}} {{index .Target \"Name\"}}", "notify stash-demo"},
        {"{{printf \"%s has %d hooks, %v, %q, %t, %5.2f%%\" .Namespace 2 .Hooks \"q\" true "
         "3.14159}}",
         "demo has 2 hooks, [pause notify], \"q\", true,  3.14%"},
        {"{{printf \"%s %s\" \"one\"}}", "one %!s(MISSING)"},
        {"{{print \"a\" 1 2 \"b\"}}", "a1 2b"},
        {"{{quote .Namespace \"x\\\"y\"}}", "\"demo\" \"x\\\"y\""},
        {"{{toJson .Target}}", "{\"Kind\":\"Deployment\",\"Name\":\"stash-demo\"}"},
        {"{{toJson (dict \"b\" 1 \"a\" \"x\")}}", "{\"a\":\"x\",\"b\":1}"},
        {"{{default \"none\" .Empty}} {{default \"none\" .Namespace}} {{.Empty | default \"d\"}}",
         "none demo d"},
        {"{{lower \"ABC\"}} {{upper \"abc\"}} [{{trim \"  x y \\n\"}}]", "abc ABC [x y]"},
        {"{{ .Status.Error | quote }}", "\"failed to backup host-0. Reason: path not found\""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        CHECK(render(c.text) == c.want);
    }
    setenv("STASH_HOOK_TEMPLATE_TEST", "from-env", 1);
    CHECK(render("{{env \"STASH_HOOK_TEMPLATE_TEST\"}}") == "from-env");
}

TEST_CASE("toJson escapes as Go's encoding/json, and the result is valid JSON") {
    const Value data = Value::parse(
        R"({"Status": {"Error": "quote \" backslash \\ newline \n tab \t <b>&amp; \u0001 \u2028 é"}})");
    const std::string out = render("{{ toJson (dict \"text\" .Status.Error) }}", data);
    CHECK(out ==
          "{\"text\":\"quote \\\" backslash \\\\ newline \\n tab \\t \\u003cb\\u003e\\u0026amp; "
          "\\u0001 "
          "\\u2028 \xC3\xA9\"}");
    const Value parsed = Value::parse(out);
    CHECK(parsed["text"] == data["Status"]["Error"]);
    CHECK(go_json(Value::parse("[1, 2.5, null, true, {}]")) == "[1,2.5,null,true,{}]");
    CHECK(go_json(Value("bad \xff byte")) == "\"bad \\ufffd byte\"");
}

TEST_CASE("Stash's documented Slack bodies render as Stash renders them") {
    // From Stash's hooks overview and Slack guide (postBackup, OnFailure).
    const std::string failure_body =
        R"({{- $msg := dict  "type" "mrkdwn" "text" (printf ":x: Backup failed for %s/%s Reason: %s." .Namespace .Target.Name .Status.Error) -}}
{
    "blocks": [
        {
          "type": "section",
          "text": {{ toJson $msg }}
        }
      ]
}
)";
    const std::string out = render(failure_body);
    const Value doc = Value::parse(out);
    CHECK(doc["blocks"][0]["text"]["type"] == "mrkdwn");
    CHECK(doc["blocks"][0]["text"]["text"] ==
          ":x: Backup failed for demo/stash-demo Reason: failed to backup host-0. Reason: path not "
          "found.");
    CHECK(out.rfind("{\n    \"blocks\"", 0) ==
          0);  // {{- ... -}} trimmed the newline after the action

    // From Stash's e2e tests: one body for both outcomes.
    const std::string either =
        "{\"blocks\": [{\"type\": \"section\",\"text\": {\"type\": \"mrkdwn\",\"text\": "
        "\"{{if eq .Status.Phase `Succeeded`}}:white_check_mark: Backup succeeded for {{ "
        ".Namespace }}/{{.Target.Name}}{{else}}:x: Backup failed for {{ .Namespace "
        "}}/{{.Target.Name}} Reason: {{.Status.Error}}.{{end}}\"}}]}";
    Value succeeded = kData;
    succeeded["Status"]["Phase"] = "Succeeded";
    CHECK(Value::parse(render(either, succeeded))["blocks"][0]["text"]["text"] ==
          ":white_check_mark: Backup succeeded for demo/stash-demo");
    CHECK(Value::parse(render(either))["blocks"][0]["text"]["text"] ==
          ":x: Backup failed for demo/stash-demo Reason: failed to backup host-0. Reason: path not "
          "found.");
}

TEST_CASE("parse errors name the line, the column and the problem") {
    CHECK(parse_error("{{ .Name") == "template:1:1: unclosed action");
    CHECK(parse_error("a\n  {{ foo .Name }}") == "template:2:6: function \"foo\" not defined");
    CHECK(parse_error("{{ upperr .Name }}") ==
          "template:1:4: function \"upperr\" not defined; did you mean \"upper\"?");
    CHECK(parse_error("{{ genCA \"x\" 3 }}") ==
          "template:1:4: function \"genCA\" is not supported: stash-hook leaves out Sprig's "
          "certificate, key and "
          "encryption functions");
    CHECK(
        parse_error("{{ $d := dict }}{{ $_ := set $d \"k\" 1 }}") ==
        "template:1:26: function \"set\" is not supported: template dicts are values in "
        "stash-hook, so it could not change the dict (use dict, merge or omit to build a new one)");
    CHECK(parse_error("{{ unset (dict) \"k\" }}").find("function \"unset\" is not supported") !=
          std::string::npos);
    CHECK(parse_error("{{if .Name}}x") ==
          "template:1:1: unexpected end of template: {{if}} has no {{end}}");
    CHECK(parse_error("x{{end}}") == "template:1:2: unexpected {{end}}");
    CHECK(parse_error("{{ \"open }}") == "template:1:1: unclosed action");
    CHECK(parse_error("{{ .Name 3 }}") == "template:1:10: can't give argument to non-function");
    CHECK(parse_error("{{ }}") == "template:1:1: missing value for command");
    CHECK(parse_error("{{ template \"x\" }}") == "template:1:1: template \"x\" not defined");
    CHECK(parse_error("{{if 1}}{{define \"x\"}}{{end}}{{end}}") ==
          "template:1:9: unexpected <define> in command");
}

TEST_CASE("unknown fields are caught statically where possible, else when rendering") {
    auto t = Template::parse("ok {{ .Status.Phse }}");
    REQUIRE(t.has_value());
    auto checked = t->check_fields(kData);
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().str() ==
          "template:1:7: unknown field .Status.Phse; did you mean .Status.Phase?");
    auto in_if = Template::parse("{{if .Status}}{{.Bogus}}{{end}}");
    CHECK_FALSE(in_if->check_fields(kData).has_value());
    auto in_with = Template::parse("{{with .Target}}{{.Name}}{{end}}{{$.Target.Kind}}");
    CHECK(in_with->check_fields(kData).has_value());
    // .Status has exactly the fields of Stash's TargetStatus: a struct; .Target is a map.
    CHECK(render_error("{{ with .Status }}{{ .Bogus }}{{ end }}") ==
          "template:1:22: can't evaluate field Bogus in type v1beta1.TargetStatus");
    CHECK(render("{{ with .Target }}{{ .Bogus }}{{ end }}") == "<no value>");
    CHECK(render_error("{{ index .Hooks 5 }}") == "template:1:4: index out of range: 5");
    CHECK(render_error("{{ lt .Namespace 3 }}") ==
          "template:1:4: incompatible types for comparison: string and int");
    CHECK(render_error("{{ $nope }}") == "template:1:4: undefined variable: $nope");
}

TEST_CASE("render_string trims the result and is_template spots actions") {
    CHECK(render_string("  {{ .Namespace }}\n", kData).value() == "demo");
    CHECK(is_template("a {{ .B }}"));
    CHECK_FALSE(is_template("plain { braces }"));
}

TEST_CASE(
    "regression: else-if chains parse without reading freed tokens (found by fuzz_template)") {
    // ASan saw a use-after-free: the keyword of {{if}} pointed into the token list
    // that the nested {{else if}} replaced.
    const std::string crash =
        "{{if eq .Status.Phase `Succeeded`}}ok {{ .Target.Name }}{{else if ne .Status.ExitCode "
        "nil}}code {{ "
        ".Status.ExitCode }}{{else}}bad{{end}}";
    CHECK(render(crash) == "code 3");
    CHECK(render("{{with .Target}}{{.Kind}}{{else with .Namespace}}{{.}}{{end}}") == "Deployment");
}

TEST_CASE("printf widths and precisions follow Go's fmt, however large") {
    // Strings: precision truncates by characters, width pads by characters.
    CHECK(render("[{{printf \"%5s|%-5s|%.2s|%05s\" \"ab\" \"ab\" \"héllo\" \"ab\"}}]") ==
          "[   ab|ab   |hé|000ab]");
    CHECK(render("{{printf \"%6.3q\" \"abcdef\"}}") == " \"abc\"");
    CHECK(render("{{printf \"%c%c %x %X\" 104 8364 \"hi\" 255}}") == "h€ 6869 FF");
    // A long string is never cut at some internal buffer size.
    const std::string long_text(5000, 'x');
    CHECK(render("{{printf \"%s\" \"" + long_text + "\"}}") == long_text);
    CHECK(render("{{printf \"%3000d\" 7}}").size() == 3000);
    CHECK(render("{{printf \"%.1000f\" 1.5}}").size() == 1002);
}

TEST_CASE(
    "regression: a printf precision of a billion is NOVERB, not an out-of-memory (found by "
    "fuzz_template)") {
    // Go's fmt gives up on widths and precisions past a million; glibc's printf
    // would try to allocate the digits.
    CHECK(render("{{ printf \"%5.0000001299403202f %d\" 1.14 7 }}") ==
          "%!(NOVERB)%!(EXTRA float64=1.14, int=7)");
    CHECK(render("{{ printf \"%99999999999d\" 7 }}") == "%!(NOVERB)%!(EXTRA int=7)");
    CHECK(render("{{ printf \"%.2f\" 3.14159 }}") == "3.14");
}

TEST_CASE("string escapes take exactly their digits, as Go's literals do") {
    CHECK(render("{{ \"\\x41\\101\\u00e9\\U0001F600\" }}") == "AAé\xF0\x9F\x98\x80");
    CHECK(parse_error("{{ \"\\x4z\" }}").find("invalid escape") != std::string::npos);
    CHECK(parse_error("{{ \"\\ud800\" }}").find("invalid Unicode") != std::string::npos);
    CHECK(parse_error("{{ \"\\777\" }}").find("> 255") != std::string::npos);
}

TEST_CASE("hostile templates: nesting deeper than 100 is a parse error, never a stack overflow") {
    const std::string parens =
        "{{ " + std::string(20'000, '(') + "1" + std::string(20'000, ')') + " }}";
    CHECK(parse_error(parens) == "template:1:104: template nesting deeper than 100");
    std::string ifs;
    for (int i = 0; i < 2000; ++i) ifs += "{{if 1}}";
    for (int i = 0; i < 2000; ++i) ifs += "{{end}}";
    CHECK(parse_error(ifs).find("template nesting deeper than 100") != std::string::npos);
    std::string chain = "{{if 0}}";
    for (int i = 0; i < 2000; ++i) chain += "{{else if 0}}";
    CHECK(parse_error(chain + "{{end}}").find("template nesting deeper than 100") !=
          std::string::npos);
    // A hundred levels still work.
    CHECK(render("{{ " + std::string(99, '(') + "1" + std::string(99, ')') + " }}") == "1");
    // Data nested by dict in a loop: bounded where it is built.
    CHECK(render_error(
              "{{ $x := dict }}{{ range 100000 }}{{ $x = dict \"a\" $x }}{{ end }}{{ toJson $x }}")
              .find("template nesting deeper than 100") != std::string::npos);
}

TEST_CASE(
    "hostile templates: output, values and work are bounded, and a deadline or a signal stops "
    "rendering") {
    CHECK(render_error("{{ range 100000000000 }}xxxxxxxx{{ end }}")
              .find("template output exceeds 1 MiB") != std::string::npos);
    CHECK(render_error("{{ range 100000000000 }}{{ end }}")
              .find("template takes more than 1000000 steps") != std::string::npos);
    CHECK(render_error("{{ $x := \"xx\" }}{{ range 100 }}{{ $x = printf \"%s%s\" $x $x }}{{ end }}")
              .find("template value exceeds 1 MiB") != std::string::npos);
    CHECK(render_error("{{ printf \"%999999d%999999d%999999d\" 1 2 3 }}")
              .find("template value exceeds 1 MiB") != std::string::npos);
    CHECK(render_error(
              "{{ $x := dict \"a\" 1 }}{{ range 100 }}{{ $x = dict \"a\" $x \"b\" $x }}{{ end }}")
              .find("template value exceeds 1 MiB") != std::string::npos);
    auto forever =
        Template::parse("{{ range 100000000000 }}{{ range 100000000000 }}{{ end }}{{ end }}");
    REQUIRE(forever.has_value());
    RenderLimits stop;
    stop.interrupted = [] { return true; };
    CHECK(forever->render(kData, stop).error().message == "rendering stopped by a signal");
    RenderLimits late;
    late.deadline = std::chrono::steady_clock::now();
    CHECK(forever->render(kData, late).error().message == "rendering ran past its deadline");
}

TEST_CASE(
    "hostile templates: a template is at most 64 KiB, which bounds the parsed tree's memory") {
    std::string big;
    while (big.size() <= 65536) big += "{{ eq 1 1 1 1 1 1 1 1 }}";
    CHECK(parse_error(big) == "template:1:1: the template is " + std::to_string(big.size()) +
                                  " bytes; at most 65536 are allowed");
    big.resize(65520);
    CHECK(Template::parse(big.substr(0, big.rfind("{{"))).has_value());
}

TEST_CASE(
    "what Go refuses fails here too: mixed int and float comparison, nil as a command, arguments "
    "without space") {
    CHECK(render_error("{{lt 1 2.5}}").find("incompatible types for comparison") !=
          std::string::npos);
    CHECK(render_error("{{eq 2 2.0}}").find("incompatible types for comparison") !=
          std::string::npos);
    CHECK(render_error("{{nil}}").find("nil is not a command") != std::string::npos);
    CHECK(parse_error("{{printf `x`.}}").find("unexpected \".\" in operand") != std::string::npos);
    CHECK(parse_error("{{.Name | 1}}").find("non executable command in pipeline stage 2") !=
          std::string::npos);
    CHECK(render_error("{{upper .RetryLeft}}").find("expected string; got int") !=
          std::string::npos);
    CHECK(render("{{print nil}} {{eq .Zero 0}}") == "<nil> true");
}

TEST_CASE("hostile templates: Sprig's growing functions stop at the value bound, quickly") {
    for (const char* text :
         {"{{ join (repeat 100000 \"x\") (until 100000) }}", "{{ repeat 100000000 \"ab\" }}",
          "{{ until 100000000 }}", "{{ indent 100000 (repeat 100000 \"\\n\") }}",
          "{{ replace \"a\" (repeat 100000 \"b\") (repeat 100000 \"a\") }}"}) {
        CAPTURE(text);
        const auto start = std::chrono::steady_clock::now();
        CHECK(render_error(text).find("exceeds 1 MiB") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    }
}

TEST_CASE("hostile templates: regexes, seq and wrapWith stay inside the value bound, quickly") {
    for (const char* text :
         {"{{ regexReplaceAll \"\" (repeat 500000 \"ab\") (repeat 100 \"x\") }}",
          "{{ regexFindAll \"\" (repeat 1000000 \"a\") -1 }}",
          "{{ regexSplit \"\" (repeat 1000000 \"a\") -1 }}", "{{ seq 100000000 }}",
          "{{ wrapWith 1 (repeat 1000 \"x\") (repeat 100000 \"ab\") }}"}) {
        CAPTURE(text);
        const auto start = std::chrono::steady_clock::now();
        CHECK(render_error(text).find("exceeds 1 MiB") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    }
    // RE2 runs in linear time without recursion, where a backtracking engine overflows
    // its stack on a long alternation like this one.
    const auto start = std::chrono::steady_clock::now();
    CHECK(render("{{ regexMatch \"^(a|b)*c$\" (repeat 500000 \"ab\") }}") == "false");
    CHECK(render("{{ regexFind \"(x+x+)+y\" (repeat 100000 \"x\") }}") == "");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE(
    "break and continue end a range or its element, as Go 1.18+, and outside a range they are "
    "parse errors") {
    CHECK(render("{{range .Hooks}}{{if eq . \"notify\"}}{{break}}{{end}}{{.}}{{end}}") == "pause");
    CHECK(render("{{range $i, $h := .Hooks}}{{if eq $i 0}}{{continue}}{{end}}{{$h}}{{end}}") ==
          "notify");
    CHECK(render("{{range 5}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}") == "012");
    CHECK(render("{{range .Hooks}}{{range 3}}{{break}}{{end}}{{.}}{{end}}") == "pausenotify");
    CHECK(parse_error("{{break}}").find("{{break}} outside {{range}}") != std::string::npos);
    CHECK(parse_error("{{range .Hooks}}{{else}}{{continue}}{{end}}").find("outside {{range}}") !=
          std::string::npos);
}

TEST_CASE("number forms and character constants as Go writes them") {
    CHECK(render("{{0b101}} {{0o17}} {{017}} {{0x1F}} {{1_000}} {{0x1p4}} {{-0b11}}") ==
          "5 15 15 31 1000 16 -3");
    CHECK(render("{{'a'}} {{'\\n'}} {{'\\''}} {{'\"'}} {{'\xC3\xA9'}}") == "97 10 39 34 233");
    CHECK(parse_error("{{'ab'}}").find("malformed character constant") != std::string::npos);
    CHECK(parse_error("{{1__0}}").find("bad number syntax") != std::string::npos);
}

TEST_CASE(
    "rendering reports each environment variable env read, and nothing for text that says env") {
    setenv("STASH_HOOK_TEMPLATE_READ", "read-value", 1);
    std::vector<std::string> reads;
    RenderLimits limits;
    limits.env_read = [&](std::string_view name, std::string_view value) {
        reads.push_back(std::string(name) + "=" + std::string(value));
    };
    auto out = render_string(
        "env {{ \"STASH_HOOK_TEMPLATE_READ\" | env }} {{ env \"STASH_HOOK_UNSET_X\" }}", kData,
        limits);
    REQUIRE(out.has_value());
    CHECK(*out == "env read-value");
    CHECK(reads ==
          std::vector<std::string>{"STASH_HOOK_TEMPLATE_READ=read-value", "STASH_HOOK_UNSET_X="});
    reads.clear();
    REQUIRE(render_string("environment {{ .Namespace }} env", kData, limits).has_value());
    CHECK(reads.empty());
}
