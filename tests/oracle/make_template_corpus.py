#!/usr/bin/env python3
"""Writes template_corpus.tsv: the cases template_compare checks against Go and Sprig.

One case a line, "fixture<TAB>template" (\\n, \\t and \\\\ escaped). Sources: Go's
text/template exec_test.go and fmt's fmt_test.go tables (the cases that fit hook data),
Sprig's documented examples (docs/*.md), Stash's doc templates, and edge cases per
function. Run it again after editing; the output is committed."""

cases = []


def add(template, fixture="failed"):
    cases.append((fixture, template))


# Stash's documented hook templates (stash.run docs, hooks guides).
for t in [
    '{{ .Status.Phase }}',
    '{"text":"{{.Name}} {{.Status.Phase}}"}',
    'Backup {{.Status.Phase}} for {{.Namespace}}/{{.Target.Name}}',
    '{{if eq .Status.Phase "Succeeded"}}:white_check_mark: Backup succeeded for {{.Namespace}}/{{.Target.Name}}{{else}}:x: Backup failed for {{.Namespace}}/{{.Target.Name}} Reason: {{.Status.Error}}{{end}}',
    '{"text": "{{ .Target.Kind }} {{ .Target.Name }} in {{ .Namespace }}: {{ .Status.Phase }} in {{ .Status.Duration }}"}',
    '{{ .Invoker.Kind }}/{{ .Invoker.Name }} retry left {{ .RetryLeft }}',
]:
    add(t)
    add(t, "succeeded")

# text/template's exec_test.go: the language over hook-shaped data.
for t in [
    '{{.Name}}', '{{.Target.Name}}', '{{$}}', '{{$.Namespace}}', '{{.Hooks}}', '{{.Status.ExitCode}}',
    '{{$x := 1}}{{$x}}', '{{$x := .Namespace}}{{$x = "b"}}{{$x}}', '{{$x := 23}}{{with $x}}{{.}}{{end}}',
    '{{range .Hooks}}-{{.}}{{end}}', '{{range $i, $v := .Hooks}}{{$i}}={{$v}} {{end}}',
    '{{range .Empty}}x{{else}}empty{{end}}', '{{range $k, $v := .Status}}{{$k}}:{{$v}};{{end}}',
    '{{range .Nums}}{{.}}{{end}}', '{{range $v := .Nums}}{{$v}}{{end}}',
    '{{if true}}T{{else}}F{{end}}', '{{if false}}T{{else}}F{{end}}', '{{if 1}}T{{end}}', '{{if 0}}T{{else}}F{{end}}',
    '{{if .Empty}}T{{else}}F{{end}}', '{{if .Hooks}}T{{end}}', '{{if and 1 0}}T{{else}}F{{end}}',
    '{{if or 0 1}}T{{end}}', '{{if not .Zero}}zero{{end}}', '{{if eq 1 2}}a{{else if eq 2 2}}b{{else}}c{{end}}',
    '{{with .Target}}{{.Kind}}{{end}}', '{{with .Empty}}x{{else}}none{{end}}', '{{with $x := .Namespace}}{{$x}}{{end}}',
    '{{- " a " -}}', 'x {{- 1 -}} y', '{{/* comment */}}c', '{{- /* comment */ -}} c',
    '{{"\\"quoted\\""}}', '{{`raw \\n`}}', '{{print "a" "b"}}', '{{print 1 2}}', '{{print "a" 1 2 "b"}}',
    '{{print nil}}', '{{print .Hooks}}', '{{print true false}}', '{{println "a" 1}}',
    '{{len .Hooks}}', '{{len "héllo"}}', '{{len .Status}}', '{{len 3}}', '{{index .Hooks 0}}',
    '{{index .Hooks 5}}', '{{index .Status "Phase"}}', '{{index .Status "None"}}', '{{index .Nums -1}}',
    '{{eq 1 1}}', '{{eq "a" "a" "b"}}', '{{ne 1 2}}', '{{lt 1 2}}', '{{le 2 2}}', '{{gt "b" "a"}}', '{{ge 1.5 1}}',
    '{{eq .Status.Phase "Failed"}}', '{{lt 1 2.5}}', '{{eq 2 2.0}}', '{{eq nil nil}}', '{{eq true true}}',
    '{{lt true false}}', '{{eq "a" 1}}', '{{and 1 2}}', '{{and 0 2}}', '{{or 0 ""}}', '{{or 0 "x"}}',
    '{{not 1}}', '{{not ""}}', '{{1}}', '{{-1}}', '{{+1}}', '{{1.5}}', '{{1e3}}', '{{0x10}}', '{{0o17}}',
    '{{0b101}}', '{{1_000}}', '{{0x1p4}}', "{{'a'}}", "{{'\\n'}}", '{{1e6}}', '{{1e21}}', '{{123456789.0}}',
    '{{0.000001}}', '{{0.0000001}}', '{{.Pi}}', '{{.Big}}', '{{true}}', '{{nil}}', '{{.Missing}}',
    '{{.Status.Missing}}', '{{(dict "a" 1).b}}', '{{if (dict).none}}T{{else}}F{{end}}', '{{.Target.Name.X}}',
    '{{(1)}}', '{{(print "a")}}', '{{("x" | printf "%s")}}', '{{.Hooks | len}}', '{{"a" | printf "%s%s" "b"}}',
    '{{printf "%d" 1 | printf "%s!"}}', '{{break}}', '{{range .Hooks}}{{break}}{{end}}x',
    '{{range .Hooks}}{{if eq . "notify"}}{{break}}{{end}}{{.}}{{end}}',
    '{{range .Hooks}}{{if eq . "pause"}}{{continue}}{{end}}{{.}}{{end}}',
    '{{define "T"}}hi{{end}}{{template "T"}}', '{{block "B" .}}b{{.Namespace}}{{end}}',
    '{{range 3}}{{.}}{{end}}', '{{range $i := 3}}{{$i}}{{end}}', '{{range 0}}x{{else}}none{{end}}',
    '{{html "<a href=\\"x\\">&</a>"}}', '{{js "it\'s \\"q\\" <x>"}}', '{{urlquery "a b&c=d/é"}}',
    '{{slice "abcdef" 1 3}}', '{{slice .Hooks 1}}', '{{slice "abc" 2 1}}', '{{call nil}}',
    '{{printf `x`.}}', '{{upper .RetryLeft}}', '{{.Name "x"}}', '{{"x" .Name}}', '{{$y}}', '{{end}}',
    '{{if}}x{{end}}', '{{range .Hooks}}', '{{printf "%s" 1 2}}', '{{.Hooks.x}}', '{{index .Hooks "a"}}',
    '{{len nil}}', '{{index nil 1}}', '{{$x := 1}}{{$x := 2}}{{$x}}', '{{with 1}}{{$}}{{end}}',
]:
    add(t)
add('{{.Name}}|{{.Missing}}|{{len .}}', "empty")

# fmt's fmt_test.go verbs over the values hooks see.
values = ['0', '-1', '42', '255', '3.5', '-2.25', '1e6', '1e-7', '"hi"', '"a\\tb"', '"é"', 'true', '.Hooks',
          '.Nums', '.Status.ExitCode', 'nil', '.Target']
verbs = ['%v', '%+v', '%#v', '%T', '%d', '%s', '%q', '%x', '%X', '%o', '%O', '%b', '%e', '%E', '%f', '%F', '%g',
         '%G', '%t', '%c', '%U', '%5d', '%-5d|', '%05d', '%+d', '%x', '%#x', '%#o', '% d', '%.2f', '%8.3f', '%-8.3f|',
         '%08.3f', '%.0f', '%.3g', '%10s|', '%-10s|', '%.1s', '%5.1s|', '%+q', '%#q', '%6.2v', '%z']
for v in values:
    for verb in verbs:
        add('{{printf "%s" %s}}' % (verb, v))
for t in ['{{printf "%[2]s %[1]s" "a" "b"}}', '{{printf "%[3]d" 1 2}}', '{{printf "%*d" 5 3}}',
          '{{printf "%-*d|" 5 3}}', '{{printf "%.*f" 2 3.14159}}', '{{printf "%d %d" 1}}', '{{printf "%d" 1 2}}',
          '{{printf "%!"}}', '{{printf "%"}}', '{{printf "100%%"}}', '{{printf "%v %v" .Nums .Status}}',
          '{{printf "%s" .Status}}', '{{printf "%d" .Nums}}', '{{printf "%x" .Hooks}}', '{{printf "%q" .Hooks}}',
          '{{printf "%c%c" 72 105}}', '{{printf "%U" 0x1F600}}', '{{printf "%#U" 0x1F600}}', '{{printf "%x" -1}}',
          '{{printf "%08b" 5}}', '{{printf "%x" "hello"}}', '{{printf "% x" "hello"}}', '{{printf "%X" "hi"}}',
          '{{printf "%e" 0}}', '{{printf "%g" 100000000.0}}', '{{printf "%g" 1e-5}}', '{{printf "%v" 1e20}}',
          '{{printf "%v" 1e21}}', '{{printf "%v" 0.1}}', '{{printf "%.3v" 3.14159}}', '{{printf "%5t|" true}}']:
    add(t)

# Sprig: documented examples and edge cases, by family.
sprig = [
    # strings
    '{{ trim "   hello    " }}', '{{ trimAll "$" "$5.00" }}', '{{ trimSuffix "-" "hello-" }}', '{{ trimPrefix "-" "-hello" }}',
    '{{ upper "hello" }}', '{{ lower "HELLO" }}', '{{ title "hello world" }}', '{{ untitle "Hello World" }}',
    '{{ repeat 3 "hello" }}', '{{ substr 0 5 "hello world" }}', '{{ substr 3 1 "hello" }}', '{{ nospace "hello w o r l d" }}',
    '{{ trunc 5 "hello world" }}', '{{ trunc -5 "hello world" }}', '{{ trunc 50 "hi" }}', '{{ .Status.Error | trunc 10 }}',
    '{{ abbrev 5 "hello world" }}', '{{ abbrevboth 5 10 "1234 5678 9123" }}', '{{ initials "First Try" }}',
    '{{ contains "cat" "catch" }}', '{{ contains "dog" "catch" }}', '{{ hasPrefix "cat" "catch" }}', '{{ hasSuffix "ch" "catch" }}',
    '{{ quote "hi" 1 nil }}', '{{ squote "hi" }}', '{{ cat "hello" "beautiful" "world" }}', '{{ cat "a" nil "b" }}',
    '{{ indent 4 "a\\nb" }}', '{{ nindent 4 "a" }}', '{{ replace " " "-" "I Am Henry VIII" }}', '{{ plural "one anchovy" "many anchovies" 2 }}',
    '{{ plural "one" "many" 1 }}', '{{ snakecase "FirstName" }}', '{{ camelcase "http_server" }}', '{{ kebabcase "FirstName" }}',
    '{{ swapcase "This Is A.Test" }}', '{{ wrap 5 "Hello World" }}', '{{ wrapWith 5 "\\t" "Hello World" }}',
    '{{ upper .Unicode }}', '{{ lower "ÜNÏCØDÉ" }}', '{{ title "ünïcødé straße" }}', '{{ trim "\\u00a0 x \\v\\f" }}',
    '{{ join "-" .Hooks }}', '{{ join ", " .Nums }}', '{{ split "$" "foo$bar$baz" }}', '{{ splitList "," "a,b,c" }}',
    '{{ (splitn "$" 2 "foo$bar$baz")._1 }}', '{{ toString 1 }}', '{{ toStrings .Nums }}', '{{ len (toStrings .Nums) }}',
    '{{ shuffle "" }}', '{{ "hello" | upper | repeat 2 }}', '{{ .Status.Phase | lower | trunc 3 }}',
    # defaults and flow
    '{{ default "foo" .Empty }}', '{{ default "foo" "bar" }}', '{{ default 1 0 }}', '{{ .Empty | default "d" }}',
    '{{ empty "" }}', '{{ empty 0 }}', '{{ empty .Hooks }}', '{{ empty (dict) }}', '{{ coalesce 0 "" "x" }}',
    '{{ coalesce .Empty .Namespace }}', '{{ ternary "yes" "no" true }}', '{{ true | ternary "yes" "no" }}',
    '{{ ternary "yes" "no" (eq .Status.Phase "Succeeded") }}', '{{ required "need it" .Namespace }}',
    '{{ required "need it" .Empty }}', '{{ fail "boom" }}', '{{ all 1 "a" true }}', '{{ any 0 "" "x" }}',
    '{{ toJson .Hooks }}', '{{ toPrettyJson (dict "a" 1) }}', '{{ toRawJson (dict "a" "<b>") }}', '{{ (fromJson "{\\"a\\":1}").a }}',
    '{{ toJson (fromJsonArray "[1,2]") }}', '{{ toJson (dict "text" .Status.Error) }}', '{{ toJson 1e-7 }}', '{{ toJson 1e21 }}',
    '{{ toJson 1.5 }}', '{{ toJson nil }}', '{{ toJson .Status }}', '{{ deepCopy .Hooks }}',
    # math
    '{{ add 1 2 3 }}', '{{ add1 5 }}', '{{ sub 5 3 }}', '{{ div 7 2 }}', '{{ mod 7 3 }}', '{{ mul 2 3 4 }}',
    '{{ max 1 5 3 }}', '{{ min 4 2 8 }}', '{{ floor 1.7 }}', '{{ ceil 1.2 }}', '{{ round 3.14159 2 }}',
    '{{ addf 1.5 2 }}', '{{ subf 5 1.5 }}', '{{ mulf 1.5 2 }}', '{{ divf 7 2 }}', '{{ maxf 1 2.5 }}', '{{ minf 1 2.5 }}',
    '{{ add "3" 4 }}', '{{ div 1 0 }}', '{{ int "42" }}', '{{ int64 3.9 }}', '{{ float64 "1.5" }}', '{{ atoi "12" }}',
    '{{ until 3 }}', '{{ untilStep 0 10 3 }}', '{{ seq 5 }}', '{{ seq 1 2 7 }}', '{{ len (until 5) }}',
    # lists
    '{{ list 1 2 3 }}', '{{ first .Hooks }}', '{{ last .Hooks }}', '{{ rest .Nums }}', '{{ initial .Nums }}',
    '{{ append .Hooks "x" }}', '{{ prepend .Hooks "x" }}', '{{ concat .Hooks .Nums }}', '{{ reverse .Nums }}',
    '{{ uniq (list 1 1 2) }}', '{{ without .Nums 1 }}', '{{ has 2 .Nums }}', '{{ has 9 .Nums }}',
    '{{ compact (list 1 "" 0 "a") }}', '{{ slice .Nums 1 2 }}', '{{ sortAlpha .Hooks }}', '{{ sortAlpha .Nums }}',
    '{{ chunk 2 .Nums }}', '{{ index (list "a" "b") 1 }}', '{{ first (list) }}', '{{ mustFirst (list) }}',
    # dicts
    '{{ (dict "a" 1 "b" 2).a }}', '{{ dict "a" 1 "b" 2 }}', '{{ get (dict "a" 1) "a" }}', '{{ get (dict "a" 1) "z" }}',
    '{{ hasKey (dict "a" 1) "a" }}', '{{ keys (dict "b" 1 "a" 2) | sortAlpha }}', '{{ values (dict "a" 1) }}',
    '{{ pick (dict "a" 1 "b" 2) "a" }}', '{{ omit (dict "a" 1 "b" 2) "a" }}', '{{ pluck "a" (dict "a" 1) (dict "a" 2) }}',
    '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }}', '{{ $d := dict "a" 1 }}{{ $_ := unset $d "a" }}{{ $d }}',
    '{{ merge (dict "a" 1) (dict "a" 2 "b" 3) }}', '{{ mergeOverwrite (dict "a" 1) (dict "a" 2) }}', '{{ dig "a" "b" "def" (dict "a" (dict "b" 1)) }}',
    '{{ dict "a" }}', '{{ dict 1 2 }}',
    # encoding
    '{{ b64enc "hello" }}', '{{ b64dec "aGVsbG8=" }}', '{{ b32enc "hello" }}', '{{ b32dec "NBSWY3DP" }}',
    '{{ b64dec "!!" }}', '{{ sha256sum "hello" }}', '{{ sha1sum "hello" }}', '{{ adler32sum "hello" }}', '{{ sha512sum "hi" }}',
    # regex
    '{{ regexMatch "^[a-z]+$" "abc" }}', '{{ regexFind "[0-9]+" "abc123def456" }}', '{{ regexFindAll "[0-9]" "a1b2c3" -1 }}',
    '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '{{ regexReplaceAllLiteral "a(x*)b" "-ab-" "${1}" }}',
    '{{ regexSplit "z+" "pizza" -1 }}', '{{ regexQuoteMeta "1.2" }}', '{{ regexMatch "(" "x" }}', '{{ mustRegexMatch "(" "x" }}',
    # paths and urls
    '{{ base "/a/b.txt" }}', '{{ dir "/a/b.txt" }}', '{{ ext "b.tar.gz" }}', '{{ clean "/a//b/../c" }}', '{{ isAbs "a/b" }}',
    '{{ (urlParse "https://u:p@h.example:8080/p?q=1#f").host }}', '{{ urlJoin (dict "scheme" "https" "host" "h" "path" "/x") }}',
    # reflection and types
    '{{ typeOf 1 }}', '{{ typeOf "a" }}', '{{ typeOf .Hooks }}', '{{ kindOf 1.5 }}', '{{ kindIs "string" "a" }}',
    '{{ typeIs "int" 1 }}', '{{ deepEqual .Nums .Nums }}',
    # semver
    '{{ semverCompare ">=1.2.3" "1.3.0" }}', '{{ (semver "1.2.3-beta.1").Major }}', '{{ semverCompare "^2" "1.9.0" }}',
    # environment
    '{{ env "STASH_HOOK_ORACLE" }}', '{{ expandenv "x=$STASH_HOOK_ORACLE" }}', '{{ env "STASH_HOOK_ORACLE_UNSET" }}',
    # dates (fixed instants)
    '{{ date "2006-01-02" (toDate "2006-01-02" "2024-02-29") }}', '{{ toDate "2006-01-02" "2024-13-01" }}',
    '{{ dateInZone "2006-01-02 15:04" (toDate "2006-01-02" "2024-02-29") "UTC" }}', '{{ unixEpoch (toDate "2006-01-02" "2024-02-29") }}',
    '{{ duration 95 }}', '{{ durationRound "2h10m5s" }}', '{{ (toDate "2006-01-02" "2024-02-29").Year }}',
    # unsupported families, refused
    '{{ genPrivateKey "rsa" }}', '{{ encryptAES "k" "t" }}', '{{ derivePassword 1 "long" "pw" "user" "site" }}',
]
for t in sprig:
    add(t)

# issue 12, the rest of Sprig: edge cases per family (regex as Go's regexp, paths,
# float math in decimal, Unicode case, hashes, JSON, dicts)
for t in [
    '{{ regexFindAll "a*" "baaab" -1 }}', '{{ regexFindAll "" "abc" -1 }}', '{{ regexFindAll "[0-9]" "a1b2c3" 2 }}',
    '{{ regexFindAll "[0-9]" "a1b2c3" 0 }}', '{{ regexFindAll "x*" "ü" -1 }}', '{{ regexFind "^b" "ab" }}',
    '{{ regexFind "(?i)HELLO" "say hello" }}', '{{ regexFind "x" "abc" }}', '{{ regexFind "(" "x" }}',
    '{{ mustRegexFind "(" "x" }}', '{{ regexFindAll "(" "x" -1 }}', '{{ regexMatch "\\\\d+" "a12" }}',
    '{{ regexMatch "^$" "" }}', '{{ mustRegexMatch "b" "abc" }}', '{{ regexReplaceAll "a*" "baaac" "-" }}',
    '{{ regexReplaceAll "" "abc" "-" }}', '{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "Jane Doe" "${last}, $first" }}',
    '{{ regexReplaceAll "a(x*)b" "-axb-" "$1W" }}', '{{ regexReplaceAll "a(x*)b" "-axb-" "$$1" }}',
    '{{ regexReplaceAll "a(x*)b" "-axb-" "${9}|$" }}', '{{ regexReplaceAll "a(x*)b" "-axb-" "${1" }}',
    '{{ regexReplaceAll "b*" "abc" "X" }}', '{{ regexReplaceAll "ü" "müde" "ue" }}', '{{ regexReplaceAll "x*" "ßü" "-" }}',
    '{{ mustRegexReplaceAll "[" "a" "b" }}', '{{ regexReplaceAllLiteral "a" "banana" "$0" }}', '{{ regexReplaceAllLiteral "" "ab" "." }}',
    '{{ regexSplit "z+" "pizza" 1 }}', '{{ regexSplit "z+" "pizza" 2 }}', '{{ regexSplit "z+" "pizza" 0 }}',
    '{{ regexSplit "" "abc" -1 }}', '{{ regexSplit "a" "" -1 }}', '{{ regexSplit "" "" -1 }}', '{{ regexSplit "a*" "baaac" -1 }}',
    '{{ regexSplit "," "a,b,,c," -1 }}', '{{ mustRegexSplit "(" "a" -1 }}', '{{ regexQuoteMeta "[a-z]+\\\\d{2}$ (x|y)" }}',
    '{{ regexMatch 1 "a" }}', '{{ regexFindAll "[a-z]" "abc" "2" }}', '{{ regexFind "\\\\bfoo\\\\b" "a foo b" }}',
    '{{ regexReplaceAll "(?m)^" "a\\nb" "> " }}',
    '{{ base "" }}', '{{ base "/" }}', '{{ base "a/b/" }}', '{{ base "///" }}', '{{ dir "" }}', '{{ dir "a" }}', '{{ dir "/a" }}',
    '{{ dir "a/b/" }}', '{{ clean "" }}', '{{ clean "../../a/./b/.." }}', '{{ clean "/../a" }}', '{{ clean "a/../.." }}', '{{ clean "//" }}',
    '{{ ext "a/b" }}', '{{ ext "a.b/c" }}', '{{ ext ".bashrc" }}', '{{ ext "a." }}', '{{ isAbs "/a" }}', '{{ isAbs "" }}',
    '{{ osBase "/x/y.z" }}', '{{ osDir "/x/y.z" }}', '{{ osClean "x//y/" }}', '{{ osExt "y.z" }}', '{{ osIsAbs "/x" }}', '{{ base 1 }}',
    '{{ addf 0.1 0.2 }}', '{{ addf }}', '{{ addf 1 2 3 }}', '{{ addf "1.5" 2 }}', '{{ subf 0.3 0.1 }}', '{{ subf 1 }}',
    '{{ mulf 0.1 3 }}', '{{ mulf 1.1 1.1 1.1 }}', '{{ divf 1 3 }}', '{{ divf 10 4 2 }}', '{{ divf 1 0 }}', '{{ add1f 0.1 }}',
    '{{ add1f "x" }}', '{{ addf 1e300 1e-300 }}', '{{ mulf 1e200 1e200 }}', '{{ subf 1e20 0.5 }}', '{{ addf -0.1 0.1 }}',
    '{{ maxf 1 "3.5" -2 }}', '{{ minf 1 "3.5" -2 }}', '{{ maxf "x" }}', '{{ biggest 1 5 3 }}', '{{ round 2.5 0 }}',
    '{{ round -2.5 0 }}', '{{ round 1.2345 3 0.4 }}', '{{ round "3.14159" 1 }}', '{{ round 1234.5 -2 }}', '{{ round 3.14159 "2" }}',
    '{{ floor -1.5 }}', '{{ ceil "2.1" }}',
    '{{ upper "ünïcødé straße" }}', '{{ lower "ÀÉÎÕÜ ΣΑΣ" }}', '{{ upper "ǆ ﬁ" }}', '{{ title "ǆemal ünal" }}',
    '{{ title "hello_world foo-bar don\'t" }}', '{{ title "ῳ" }}', '{{ swapcase "Straße ÄÖÜ ǅ" }}', '{{ upper .Unicode }}',
    '{{ lower .Unicode }}', '{{ title .Unicode }}', '{{ untitle "Ünal Bar" }}', '{{ trim "\u2003x\u3000" }}',
    '{{ trim "x\u200b" }}', '{{ sha1sum "" }}', '{{ sha256sum "" }}', '{{ adler32sum "" }}',
    '{{ sha1sum "The quick brown fox jumps over the lazy dog" }}', '{{ sha256sum "The quick brown fox jumps over the lazy dog" }}',
    '{{ adler32sum "Wikipedia" }}', '{{ sha256sum (repeat 1000 "abc") }}', '{{ sha1sum (repeat 1000 "abc") }}',
    '{{ adler32sum (repeat 10000 "\xff") }}', '{{ sha256sum 12 }}', '{{ initials "First Try" }}', '{{ initials "ärger über" }}',
    '{{ initials "" }}', '{{ swapcase "" }}', '{{ swapcase "ǆx Ǆy ǅz 12 ab" }}', '{{ untitle "" }}', '{{ upper "\xff" }}',
    '{{ fromJson "{\\"a\\":{\\"b\\":[1,2.5,\\"x\\",null,true]}}" }}', '{{ fromJson "[1]" }}', '{{ fromJson "nope" }}',
    '{{ fromJson "null" }}', '{{ mustFromJson "nope" }}', '{{ (mustFromJson "{\\"n\\":12345678901234567890}").n }}',
    '{{ toPrettyJson (dict "a" (list 1 (dict) (list)) "b" "<&>") }}', '{{ toPrettyJson .Hooks }}', '{{ toPrettyJson "x" }}',
    '{{ toPrettyJson (list) }}', '{{ toRawJson (dict "a" "<b>&\\\\u003c") }}', '{{ mustToRawJson .Hooks }}', '{{ mustToJson (dict "a" "<") }}',
    '{{ mustToPrettyJson (dict "k" (dict "k" 1)) }}', '{{ toPrettyJson (dict "a:b" "c,d{") }}',
    '{{ merge (dict "a" 0 "b" "" "c" 1) (dict "a" 5 "b" "x" "c" 2 "d" nil) }}', '{{ merge (dict "n" (dict "x" 1)) (dict "n" (dict "x" 2 "y" 3)) }}',
    '{{ mergeOverwrite (dict "n" (dict "x" 1) "l" (list 1)) (dict "n" (dict "y" 3) "l" (list 2) "z" 0) }}',
    '{{ merge (dict "a" (list)) (dict "a" (list 1)) }}', '{{ merge (dict "a" 1) (dict "b" 2) (dict "b" 3 "c" 4) }}', '{{ merge (dict) }}',
    '{{ merge (list) (dict) }}', '{{ mustMerge (dict "a" 1) (dict "a" 2) }}', '{{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }}',
    '{{ pluck "a" }}', '{{ pluck "z" (dict "a" 1) }}', '{{ pluck "a" (dict "a" 1) "x" }}',
    '{{ dig "a" "z" "def" (dict "a" (dict "b" 1)) }}', '{{ dig "a" "def" (dict "a" 7) }}', '{{ dig "a" "b" "def" (dict "a" 7) }}',
    '{{ dig "a" "def" }}', '{{ dig "a" "def" (list) }}', '{{ dig 1 "def" (dict) }}', '{{ deepCopy (dict "a" (list 1 2)) }}', '{{ deepCopy 1.5 }}',
    '{{ mustDeepCopy .Nums }}', '{{ chunk 3 (list 1 2 3 4 5 6 7) }}', '{{ chunk 5 (list) }}', '{{ chunk 0 .Nums }}', '{{ chunk 2 "ab" }}',
    '{{ mustChunk 1 .Hooks }}', '{{ seq 0 }}', '{{ seq -3 }}', '{{ seq 3 1 }}', '{{ seq 1 -2 7 }}', '{{ seq 7 -2 1 }}', '{{ seq 7 2 1 }}',
    '{{ seq }}', '{{ seq 1 2 3 4 }}', '{{ seq "a" }}', '{{ mustFirst .Hooks }}', '{{ mustLast .Nums }}', '{{ mustRest .Nums }}',
    '{{ mustInitial .Nums }}', '{{ mustAppend .Nums 4 }}', '{{ mustPush .Nums 4 }}', '{{ mustPrepend .Nums 0 }}', '{{ mustReverse .Nums }}',
    '{{ mustUniq (list 1 2 1) }}', '{{ mustWithout .Nums 3 }}', '{{ mustHas 3 .Nums }}', '{{ mustCompact (list 0 1 "") }}',
    '{{ mustSlice .Nums 1 }}', '{{ mustFirst "x" }}', '{{ typeOf nil }}', '{{ typeOf (dict) }}', '{{ typeOf true }}', '{{ typeOf .Pi }}',
    '{{ kindOf .Hooks }}', '{{ kindOf (dict) }}', '{{ kindOf nil }}', '{{ kindOf "x" }}', '{{ kindIs "slice" .Nums }}', '{{ kindIs "map" 1 }}',
    '{{ typeIsLike "int" 1 }}', '{{ typeIs "float64" 1 }}', '{{ deepEqual 1 1.0 }}', '{{ deepEqual (dict "a" (list 1)) (dict "a" (list 1)) }}',
    '{{ deepEqual (dict "a" 1) (dict "a" 2) }}', '{{ deepEqual "a" "a" }}', '{{ deepEqual nil nil }}', '{{ typeIs 1 1 }}',
    '{{ camelcase "" }}', '{{ camelcase "_" }}', '{{ camelcase "__a" }}', '{{ camelcase "a" }}', '{{ camelcase "hello-world foo__bar" }}',
    '{{ camelcase "HTTP_server_ünit" }}', '{{ camelcase "x_" }}', '{{ camelcase "a--b" }}', '{{ shuffle "a" }}', '{{ len (shuffle "abcdef") }}',
    '{{ abbrev 3 "hello" }}', '{{ abbrev 4 "hello" }}', '{{ abbrev 10 "hello" }}', '{{ abbrev 5 "" }}', '{{ abbrevboth 0 4 "abcdefghij" }}',
    '{{ abbrevboth 5 6 "abcdefghijklmnop" }}', '{{ abbrevboth 10 10 "abcdefghijklmnopqrstuv" }}', '{{ abbrevboth 20 10 "abcdefghijklmnopqrstuv" }}',
    '{{ abbrevboth 6 7 "abcdefghijklmnopqrstuv" }}', '{{ abbrevboth -1 10 "abcdefghijklmnopqrstuv" }}', '{{ abbrev 5 1 }}',
    '{{ wrap 0 "a b" }}', '{{ wrap 3 "" }}', '{{ wrap 3 "aaaaaa bb c" }}', '{{ wrap 10 "The quick brown fox jumps over" }}',
    '{{ wrap 4 "  lead   spaces here" }}', '{{ wrapWith 3 "|" "aaaaaaa bb" }}', '{{ wrapWith 5 "" "Hello World" }}',
    '{{ wrapWith 2 "<br>" "abcdefg" }}',
    '{{ expandenv "${STASH_HOOK_ORACLE}|$STASH_HOOK_ORACLE_UNSET|$|$$|${}|${|$1|${*}|a$-b|$STASH_HOOK_ORACLE!" }}', '{{ expandenv "" }}',
    '{{ expandenv "no dollar" }}', '{{ expandenv "end$" }}', '{{ expandenv 1 }}', '{{ len uuidv4 }}',
    '{{ regexMatch "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" uuidv4 }}', '{{ eq uuidv4 uuidv4 }}',
    '{{ snakecase "" }}', '{{ snakecase "HTTPServer" }}', '{{ snakecase "Bld4Floor" }}', '{{ snakecase "HTTP2xx" }}', '{{ snakecase "firstName" }}',
    '{{ snakecase "a-b c__d" }}', '{{ snakecase "Hello, World!" }}', '{{ snakecase "ÜberGroß 42x" }}', '{{ snakecase "ABC" }}', '{{ snakecase "aB1c2D" }}',
    '{{ snakecase "x9" }}', '{{ snakecase "9x" }}', '{{ snakecase "漢字Name" }}', '{{ snakecase "_lead trail_" }}', '{{ snakecase "a+b=c" }}',
    '{{ snakecase "v1.2.3Beta" }}', '{{ snakecase "\\xffAb" }}', '{{ kebabcase "HTTPServer" }}', '{{ kebabcase "already-kebab_case" }}',
    '{{ kebabcase "Go 1.22 Release" }}', '{{ kebabcase "one2Three" }}', '{{ typeOf (splitList "," "a") }}',
]:
    add(t)

# define, template and block (text/template's exec_test.go and parse_test.go).
for t in [
    '{{define "T"}}[{{.}}]{{end}}{{template "T" .Status.Phase}}{{template "T"}}',
    '{{define "R"}}{{if gt . 0}}{{.}}{{template "R" (sub . 1)}}{{end}}{{end}}{{template "R" 5}}',
    '{{define "R"}}{{template "R" .}}{{end}}{{template "R" 1}}', '{{template "nope"}}',
    '{{$x := 1}}{{define "T"}}{{$x}}{{end}}{{template "T"}}',
    '{{define "T"}}{{$.Name}}{{end}}{{template "T" .Status}}', '{{if true}}{{define "T"}}x{{end}}{{end}}',
    '{{define "T"}}a{{end}}{{define "T"}}b{{end}}{{template "T"}}',
    '{{define "T"}} {{end}}{{define "T"}}b{{end}}{{template "T"}}',
    '{{define "T"}}a{{end}}{{block "T" .}}b{{end}}', '{{block "T"}}b{{end}}', '{{define T}}b{{end}}',
    '{{define "T"}}b{{else}}c{{end}}', '{{template "T" | printf "%s"}}{{define "T"}}{{.}}{{end}}',
    '{{range .Hooks}}{{template "T" .}}{{end}}{{define "T"}}<{{.}}>{{end}}', '{{define "T"}}{{break}}{{end}}',
    '{{define "T"}}x{{define "U"}}y{{end}}{{end}}', '{{- define "T" -}} x {{- end -}} [{{template "T"}}]',
    '{{template "T" 1 2}}{{define "T"}}{{end}}', '{{template ""}}', '{{define "T"}}{{.}}{{end}}{{template `T` "raw"}}',
    '{{if false}}{{template "nope"}}{{end}}x', '{{block "B" .Target}}{{.Kind}}{{end}}/{{template "B" .Invoker}}',
]:
    add(t)

# Stash's data as Go structs (template_oracle.go's stashFixture): %v of a struct, json
# tags, a struct's missing field, len, range and index on a struct, Stash's field names.
for t in [
    '{{.Status}}', '{{.Target}}', '{{.Task}}', '{{.Task.Command}}', '{{toJson .}}', '{{toJson .Status}}',
    '{{toJson .Target}}', '{{toJson .Invoker}}', '{{.Invoker.APIGroup}}', '{{.Invoker.Kind}}/{{.Invoker.Name}}',
    '{{.Target.APIVersion}} {{.Target.Namespace}}', '{{.Missing}}', '{{.Status.Missing}}', '{{.Target.Name.X}}',
    '{{len .Status}}', '{{range .Status}}x{{end}}', '{{index .Status "Phase"}}', '{{if .Status}}T{{else}}F{{end}}',
    '{{with .Target}}{{.Kind}}/{{.Name}}{{end}}', '{{printf "%v" .Status}}', '{{printf "%+v" .Target}}',
    '{{printf "%s" .Status}}', '{{print .Status .RetryLeft}}', '{{println .Target}}', '{{eq .Status .Status}}',
    '{{.StartTime}} {{.Stage}} {{.RetryLeft}} {{.Member}}', '{{.Status.ExitCode}}', '{{$s := .Status}}{{$s.Phase}}',
    '{{(dict "s" .Status).s.Phase}}', '{{(dict "s" .Status).s.Nope}}', '{{toJson (list .Target)}}',
    '{{if eq .Status.Phase "Succeeded"}}ok{{else}}{{.Status.Error}}{{end}}', '{{$.Status.Duration}}',
    '{"text":"{{.Invoker.Kind}} {{.Target.Namespace}}/{{.Target.Name}}: {{.Status.Phase}}"}',
]:
    add(t, "stash-failed")
    add(t, "stash-succeeded")

# The rest of Sprig's TxtFuncMap: hello, toDecimal, the random functions (by shape only),
# getHostByName (loopback names only).
for t in [
    '{{ hello }}', '{{ toDecimal "0777" }}', '{{ toDecimal 777 }}', '{{ toDecimal "-17" }}', '{{ toDecimal "8" }}',
    '{{ toDecimal "" }}', '{{ toDecimal "+7" }}', '{{ toDecimal "777777777777777777777" }}',
    '{{ toDecimal "1000000000000000000000" }}', '{{ toDecimal "-1000000000000000000000" }}', '{{ toDecimal 1.5 }}',
    '{{ len (randAlpha 12) }}', '{{ regexMatch "^[a-zA-Z]{12}$" (randAlpha 12) }}',
    '{{ regexMatch "^[a-zA-Z0-9]{7}$" (randAlphaNum 7) }}', '{{ regexMatch "^[0-9]{9}$" (randNumeric 9) }}',
    '{{ regexMatch "^[ -~]{30}$" (randAscii 30) }}', '{{ randAlpha 0 }}', '{{ randAlpha -3 }}x',
    '{{ len (b64dec (randBytes 9)) }}', '{{ len (randBytes 10) }}', '{{ randBytes 0 }}x', '{{ randBytes -1 }}',
    '{{ randInt 5 6 }}', '{{ $n := randInt -3 3 }}{{ and (ge $n -3) (lt $n 3) }}', '{{ randInt 3 3 }}',
    '{{ randInt 4 1 }}', '{{ randInt "1" 2 }}', '{{ randAlpha "3" }}', '{{ getHostByName "localhost" | contains "" }}',
]:
    add(t)

# Dates (TZ=UTC for both sides: the oracle test sets it).
for t in [
    '{{ toDate "2006-01-02" "2024-03-10" }}',
    '{{ toDate "2006-01-02" "2024-03-10" | date "2006-01-02" }}',
    '{{ toJson (toDate "2006-01-02" "2024-03-10") }}',
    '{{ printf "%v|%s|%q" (toDate "2006-01-02" "2024-03-10") (toDate "2006-01-02" "2024-03-10") (toDate "2006-01-02" "2024-03-10") }}',
    '{{ printf "%T" (toDate "2006-01-02" "2024-03-10") }}',
    '{{ toDate "2006-01-02" "2024-03-10" | unixEpoch }}',
    '{{ toDate "2006-01-02" "nope" }}',
    '{{ mustToDate "2006-01-02" "nope" }}',
    '{{ mustToDate "2006-01-02" "2024-02-30" }}',
    '{{ mustToDate "2006-01-02" "2024-03-10x" }}',
    '{{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-10T06:30:00+05:30" }}',
    '{{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-10T06:30:00Z" }}',
    '{{ toDate "2006-01-02T15:04:05.999999999Z07:00" "2024-03-10T06:30:00.123456789-07:00" }}',
    '{{ toDate "Jan 2 2006 3:04PM MST" "Mar 10 2024 6:30AM EST" }}',
    '{{ toDate "Jan 2 2006 3:04PM MST" "mar 10 2024 6:30pm UTC" }}',
    '{{ toDate "Jan 2 2006 3:04PM MST" "Mar 10 2024 6:30PM GMT+3" }}',
    '{{ toDate "Monday, 02-Jan-06 15:04:05 MST" "Sunday, 10-Mar-24 06:30:00 UTC" }}',
    '{{ toDate "2006-002" "2024-060" }}',
    '{{ toDate "2006-002" "2023-366" }}',
    '{{ toDate "_2 __2 2006" " 1  60 2024" }}',
    '{{ toDate "15:04:05" "24:00:00" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00.5" }}',
    '{{ toDate "2006-01-02 15:04:05,000" "2024-03-10 06:30:00,250" }}',
    '{{ toDate "06-1-2" "69-1-2" }}',
    '{{ toDate "06-1-2" "68-1-2" }}',
    '{{ toDate "2006-01-02 -0700" "2024-03-10 +0000" }}',
    '{{ toDate "2006-01-02 -07" "2024-03-10 -03" }}',
    '{{ toDate "2006-01-02 -07:00:00" "2024-03-10 +01:02:03" }}',
    '{{ toDate "2006-01-02 Z070000" "2024-03-10 Z" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date "Mon Jan 2 15:04:05 MST 2006" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date "Monday January _2 03:04:05.000 PM pm -07:00 Z07:00" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date "2006 06 01 1 Jan January 02 2 _2 __2 002 15 03 3 04 4 05 5 PM -0700 -07 -070000 -07:00:00 Z0700 Z07 Z070000 Z07:00:00" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date ".000 .999 ,000 ,9 .0 .9 .00000000000 05.000 1.5" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date "Janet Monty MSTX 20060" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date "" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date "no layout" }}',
    '{{ dateInZone "2006-01-02 15:04:05 MST -0700" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "UTC" }}',
    '{{ dateInZone "2006-01-02 15:04:05 MST -0700" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "America/New_York" }}',
    '{{ dateInZone "2006-01-02 15:04:05 MST -0700" (toDate "2006-01-02 15:04" "2024-03-09 06:30") "America/New_York" }}',
    '{{ dateInZone "2006-01-02 15:04:05 MST -0700" (toDate "2006-01-02 15:04" "2024-11-03 05:30") "America/New_York" }}',
    '{{ dateInZone "2006-01-02 15:04:05 MST -0700" (toDate "2006-01-02 15:04" "2024-11-03 06:30") "America/New_York" }}',
    '{{ date_in_zone "15:04 MST" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "Asia/Kolkata" }}',
    '{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "Nowhere/Else" }}',
    '{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "" }}',
    '{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "Local" }}',
    '{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "../etc/passwd" }}',
    '{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "EST5EDT,M3.2.0,M11.1.0" }}',
    '{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "/usr/share/zoneinfo/UTC" }}',
    '{{ dateInZone "2006-01-02 15:04:05 MST" 1700000000 "Europe/Berlin" }}',
    '{{ date "2006-01-02 15:04:05" 0 }}',
    '{{ date "2006" -62135596800 }}',
    '{{ htmlDate (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") }}',
    '{{ htmlDate 86400 }}',
    '{{ htmlDateInZone (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") "Pacific/Kiritimati" }}',
    '{{ date 5 (toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00") }}',
    '{{ date "2006" "2024-01-01" | len }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | dateModify "-1.5h" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | date_modify "90m" | date "15:04" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | dateModify "nonsense" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "nonsense" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | must_date_modify "1h1m1s1ms1us1ns" }}',
    '{{ dateModify "1h" "2024-03-10" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "2562047h" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "-.5s" | toJson }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "1µs" | toJson }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "3x" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "3" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "9223372036854775808ns" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "" }}',
    '{{ toDate "2006-01-02 15:04:05" "2024-03-10 06:30:00" | mustDateModify "+0" }}',
    '{{ duration 3725 }}',
    '{{ duration "3725" }}',
    '{{ duration "-90" }}',
    '{{ duration "0" }}',
    '{{ duration "1.5" }}',
    '{{ duration "99999999999999" }}',
    '{{ duration "x" }}',
    '{{ duration 1.5 }}',
    '{{ duration "86400" }}',
    '{{ durationRound "2h10m5s" }}',
    '{{ durationRound "-3h" }}',
    '{{ durationRound "400h" }}',
    '{{ durationRound "9000h" }}',
    '{{ durationRound "720h" }}',
    '{{ durationRound "721h" }}',
    '{{ durationRound "1.5s" }}',
    '{{ durationRound "1s" }}',
    '{{ durationRound "61s" }}',
    '{{ durationRound 3600 }}',
    '{{ durationRound "junk" }}',
    '{{ durationRound "1ms" }}',
    '{{ ago 0 | contains "h" }}',
    '{{ ago "x" }}',
    '{{ durationRound (now) }}',
    '{{ regexMatch "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [-+][0-9]{4} [A-Z]+ m=[+][0-9]+[.][0-9]{9}$" (print now) }}',
    '{{ regexMatch "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [-+][0-9]{4} [A-Z]+$" (print (now | dateModify "1h")) | not }}',
    '{{ regexMatch "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" (now | htmlDate) }}',
    '{{ regexMatch "^[0-9]+$" (now | unixEpoch) }}',
    '{{ if now }}t{{ end }}',
    '{{ len (toJson now) | lt 20 }}',
    '{{ date "2006" nil | len }}',
    '{{ unixEpoch 5 }}',
    '{{ unixEpoch (toDate "2006-01-02" "2024-03-10") }}',
    '{{ (toDate "2006" "1969") | unixEpoch }}',
    '{{ toDate "2006-01-02" "0001-01-01" | unixEpoch }}',
    '{{ mustToDate "2006-01-02 15:04" "2024-03-10 02:30" }}',
    '{{ mustToDate "Jan _2" "Feb 29" }}',
    '{{ mustToDate "2006 002" "2024 367" }}',
]:
    add(t)

seen = set()
with open(__file__.replace("make_template_corpus.py", "template_corpus.tsv"), "w") as out:
    out.write("# generated by make_template_corpus.py; see template_compare.cpp for the format\n")
    for fixture, template in cases:
        if (fixture, template) in seen:
            continue
        seen.add((fixture, template))
        assert "\t" not in template and "\n" not in template
        out.write(f"{fixture}\t{template}\n")
print(len(seen), "cases")
