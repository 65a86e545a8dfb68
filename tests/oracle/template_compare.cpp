// Compares our template engine with Go's text/template and Sprig (template_oracle.go's
// output) over a corpus.
//   template_compare CORPUS ORACLE_OUTPUT DIFFERENCES
// A corpus line is "fixture<TAB>template" (\n, \t, \\ escaped); an oracle line is
// "OK<TAB>output" or "ERROR<TAB>message". Agreement is the same output, or both failing.
// DIFFERENCES is docs/TEMPLATE_DIFFERENCES.md: each line "- `TEMPLATE`" (a reason may follow
// the last backtick) names a case (as written in the corpus) where we are known to differ; there we
// must still differ (a fixed case is taken off the list), everywhere else agree. Exits 1 on any
// disagreement, printing each.
//   template_compare --funcs NAMES
// NAMES is every name of sprig.TxtFuncMap() (template_oracle --funcs): each must be one of
// our functions, or refused when the template is loaded, naming it unsupported, and only if
// it is in kMayRefuse. Exits 1 on any other name, printing each.
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "corpus.hpp"
#include "spec/hook_template.hpp"
#include "template/template.hpp"

using namespace stash_hook;

namespace {

std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() &&
            (s[i + 1] == 'n' || s[i + 1] == 't' || s[i + 1] == '\\')) {
            out += s[i + 1] == 'n' ? '\n' : s[i + 1] == 't' ? '\t' : '\\';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out;
}

/// The data a session gives its hooks (template_data, as Stash's Summary struct), as
/// template_oracle.go's stashFixture() builds it with Go structs.
tmpl::Value stash_fixture(const std::string& name) {
    Spec spec;
    spec.name = "deployment-backup";
    spec.ns = "demo";
    spec.invoker = {"stash.appscode.com", "BackupConfiguration", "deployment-backup"};
    spec.target = {"apps/v1", "Deployment", "stash-demo"};
    TemplateFacts facts;
    facts.session_name = "deployment-backup-1646741400";
    facts.stage = Stage::PostBackup;
    facts.elapsed = std::chrono::seconds(10);
    facts.start_time = WallTime(std::chrono::seconds(1646741400));
    facts.command = {"restic", "backup", "/data"};
    facts.task_ran = true;
    if (name == "stash-failed") {
        facts.phase = "Failed";
        facts.error = "failed to backup host-0. Reason: path not found";
        facts.exit_code = 3;
        facts.session_exit_code = 3;
        facts.retry_left = 2;
    } else {
        facts.phase = "Succeeded";
        facts.exit_code = 0;
    }
    return template_data(spec, facts);
}

/// The same data as template_oracle.go's fixtures().
tmpl::Value fixture(const std::string& name) {
    auto summary = [](const char* phase, const char* error, int exit_code) {
        return tmpl::Value{
            {"Name", "deployment-backup-1646741400"},
            {"Namespace", "demo"},
            {"Invoker",
             {{"ApiGroup", "stash.appscode.com"},
              {"Kind", "BackupConfiguration"},
              {"Name", "deployment-backup"}}},
            {"Target", {{"ApiVersion", "apps/v1"}, {"Kind", "Deployment"}, {"Name", "stash-demo"}}},
            {"Status",
             {{"Phase", phase},
              {"Duration", "10s"},
              {"Error", error},
              {"ExitCode", exit_code},
              {"Attempt", 1}}},
            {"RetryLeft", 0},
            {"Hooks", {"pause", "notify"}},
            {"Nums", {3, 1, 2}},
            {"Empty", ""},
            {"Zero", 0},
            {"Pi", 3.14159},
            {"Big", 1e6},
            {"Unicode",
             "\xC3\x9Cn\xC3\xAF"
             "c\xC3\xB8"
             "d\xC3\xA9 stra\xC3\x9F"
             "e"},
        };
    };
    if (name == "failed")
        return summary("Failed", "failed to backup host-0. Reason: path not found", 3);
    if (name == "succeeded") return summary("Succeeded", "", 0);
    if (name == "stash-failed" || name == "stash-succeeded") return stash_fixture(name);
    return tmpl::Value::object();
}

/// Sprig's functions we may refuse (man page, TEMPLATES): certificates, keys, encryption
/// and password hashing, and set/unset (docs/TEMPLATE_DIFFERENCES.md: our dicts are values).
const std::set<std::string> kMayRefuse = {"bcrypt",
                                          "htpasswd",
                                          "genPrivateKey",
                                          "derivePassword",
                                          "buildCustomCert",
                                          "genCA",
                                          "genCAWithKey",
                                          "genSelfSignedCert",
                                          "genSelfSignedCertWithKey",
                                          "genSignedCert",
                                          "genSignedCertWithKey",
                                          "encryptAES",
                                          "decryptAES",
                                          "set",
                                          "unset"};

int check_functions(const char* path) {
    std::ifstream names(path);
    if (!names) {
        std::cerr << "cannot read the function names\n";
        return 2;
    }
    int count = 0, refused = 0, failures = 0;
    for (std::string name; std::getline(names, name);) {
        if (name.empty()) continue;
        ++count;
        auto parsed = tmpl::Template::parse("{{if false}}{{ " + name + " }}{{end}}");
        if (parsed) continue;
        const std::string message = parsed.error().str();
        if (message.find("\"" + name + "\" is not supported") != std::string::npos &&
            kMayRefuse.count(name)) {
            ++refused;
            continue;
        }
        ++failures;
        std::cout << "MISSING " << name << ": " << message << "\n";
    }
    std::cout << count << " functions of Sprig's TxtFuncMap: " << count - refused - failures
              << " ours, " << refused << " refused, " << failures << " missing\n";
    return count > 0 && failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--funcs") return check_functions(argv[2]);
    if (argc != 4) {
        std::cerr << "usage: template_compare CORPUS ORACLE_OUTPUT DIFFERENCES\n";
        return 2;
    }
    setenv("STASH_HOOK_ORACLE", "from-env", 1);
    std::ifstream corpus(argv[1]), oracle(argv[2]), differences(argv[3]);
    if (!corpus || !oracle || !differences) {
        std::cerr << "cannot read the corpus, the oracle's output or the differences\n";
        return 2;
    }
    std::set<std::string> known;
    for (std::string line; std::getline(differences, line);) {
        if (line.rfind("- `", 0) != 0) continue;
        // The template ends at the line's last backtick (a reason may follow it).
        const size_t close = line.rfind('`');
        if (close > 2) known.insert(line.substr(3, close - 3));
    }
    int cases = 0, agreed = 0, documented = 0, failures = 0;
    std::set<std::string> seen;
    for (std::string line, theirs; next_case(corpus, oracle, line, theirs);) {
        const size_t tab = line.find('\t');
        if (tab == std::string::npos) {
            std::cerr << "bad corpus line: " << line << "\n";
            return 1;
        }
        ++cases;
        const std::string text = line.substr(tab + 1);
        seen.insert(text);
        auto out = tmpl::render_string(unescape(text), fixture(line.substr(0, tab)));
        const std::string ours =
            out ? "OK\t" + escape(*out) : "ERROR\t" + escape(out.error().str());
        const bool agree =
            ours.rfind("OK\t", 0) == 0 ? ours == theirs : theirs.rfind("ERROR\t", 0) == 0;
        if (known.count(text)) {
            if (agree) {
                std::cout << "FIXED (take it off the differences): " << text << "\n";
                ++failures;
            } else {
                ++documented;
            }
            continue;
        }
        if (agree) {
            ++agreed;
            continue;
        }
        ++failures;
        std::cout << "DIFFER " << line << "\n  go:   " << theirs << "\n  ours: " << ours << "\n";
    }
    for (const auto& text : known)
        if (!seen.count(text))
            std::cout << "documented difference not in the corpus: " << text << "\n";
    std::cout << cases << " cases: " << agreed << " agree, " << documented
              << " documented differences, " << failures << " disagreements\n";
    return failures == 0 ? 0 : 1;
}
