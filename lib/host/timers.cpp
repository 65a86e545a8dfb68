#include "host/timers.hpp"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace stash_hook {

namespace {

const char* const kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string two_digits(size_t n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02zu", n);
    return buf;
}

/// The set bits of `bits` from `first`, as "a,b,c" with runs of three or more as
/// "a<range>b"; "*" when every value is set.
template <size_t N>
std::string set_list(const std::bitset<N>& bits, size_t first, const char* range,
                     std::string (*name)(size_t) = nullptr) {
    size_t count = 0;
    for (size_t i = first; i < N; ++i) count += bits.test(i);
    if (count == N - first) return "*";
    auto show = [&](size_t i) { return name ? name(i) : std::to_string(i); };
    std::string out;
    for (size_t i = first; i < N;) {
        if (!bits.test(i)) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end + 1 < N && bits.test(end + 1)) ++end;
        if (!out.empty()) out += ",";
        if (end - i >= 2)
            out += show(i) + range + show(end);
        else {
            out += show(i);
            if (end > i) out += "," + show(end);
        }
        i = end + 1;
    }
    return out;
}

std::string weekday_name(size_t i) { return kWeekdays[i]; }

std::string unit_safe_name(const std::string& name) {
    std::string out;
    for (char c : name)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
                   ? c
                   : '-';
    return out;
}

std::string dns_name(const std::string& name) {
    std::string out;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.substr(0, 52 - std::string("stash-hook-").size());
}

/// An argument of ExecStart=: '%' doubled (a specifier otherwise), quoted when it
/// has a space, a quote or a backslash.
std::string systemd_arg(const std::string& arg) {
    std::string escaped;
    bool quote = arg.empty();
    for (char c : arg) {
        if (c == '%') escaped += '%';
        if (c == '"' || c == '\\') escaped += '\\';
        if (c == ' ' || c == '\t' || c == '"' || c == '\\' || c == '\'' || c == ';') quote = true;
        escaped += c;
    }
    return quote ? "\"" + escaped + "\"" : escaped;
}

/// A crontab command field: shell-quoted, and '%' (a newline to cron) escaped.
std::string cron_arg(const std::string& arg) {
    std::string out;
    for (char c : shell_quote(arg)) {
        if (c == '%') out += '\\';
        out += c;
    }
    return out;
}

expected<void, std::string> require_schedule(const Spec& spec) {
    if (spec.schedule.empty())
        return unexpected("failed to generate a timer for " + spec.path +
                          ": the spec has no schedule: (add e.g. schedule: \"0 3 * * *\")");
    return {};
}

}  // namespace

ScheduleParts schedule_parts(const Spec& spec) {
    ScheduleParts parts{spec.schedule, spec.time_zone};
    std::string_view text = spec.schedule;
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.starts_with("TZ=") || text.starts_with("CRON_TZ=")) {
        const size_t eq = text.find('='), space = text.find(' ');
        parts.zone = std::string(text.substr(eq + 1, space - eq - 1));
        if (parts.zone.empty()) parts.zone = "UTC";
        text = text.substr(space);
        while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
        parts.expression = std::string(text);
    }
    if (parts.zone == "Local") parts.zone.clear();
    return parts;
}

expected<std::vector<std::string>, std::string> on_calendar(const CronSchedule& schedule,
                                                            const std::string& zone) {
    const auto fields = schedule.fields();
    if (!fields)
        return unexpected(
            "\"" + schedule.text() +
            "\" counts from when the scheduler started, which a calendar cannot say: write a cron "
            "schedule such as \"0 */2 * * *\", or run stash-hook serve, which keeps @every");
    for (char c : zone)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '+' &&
            c != '-')
            return unexpected(
                "time zone \"" + zone +
                "\" is not a tz database name, which systemd needs (write e.g. Europe/Berlin)");
    const std::string time =
        set_list(fields->hours, 0, "..", [](size_t i) { return two_digits(i); }) + ":" +
        set_list(fields->minutes, 0, "..", [](size_t i) { return two_digits(i); }) + ":00";
    const std::string months =
        set_list(fields->months, 1, "..", [](size_t i) { return two_digits(i); });
    const std::string days =
        set_list(fields->days, 1, "..", [](size_t i) { return two_digits(i); });
    const std::string weekdays = set_list(fields->weekdays, 0, "..", weekday_name);
    const std::string suffix = zone.empty() ? "" : " " + zone;
    std::vector<std::string> out;
    if (fields->any_day && fields->any_weekday) {
        out.push_back("*-" + months + "-" + days + " " + time + suffix);
    } else if (fields->any_day) {  // the weekdays alone decide
        out.push_back(weekdays + " *-" + months + "-* " + time + suffix);
    } else if (fields->any_weekday) {
        out.push_back("*-" + months + "-" + days + " " + time + suffix);
    } else {  // robfig: either matching is enough, so two calendars
        out.push_back("*-" + months + "-" + days + " " + time + suffix);
        out.push_back(weekdays + " *-" + months + "-* " + time + suffix);
    }
    return out;
}

expected<SystemdUnits, std::string> systemd_units(const Spec& spec,
                                                  const GenerateOptions& options) {
    if (auto ok = require_schedule(spec); !ok) return unexpected(ok.error());
    const ScheduleParts parts = schedule_parts(spec);
    auto schedule = CronSchedule::parse(spec.schedule, spec.time_zone);
    if (!schedule) return unexpected("failed to read schedule: " + schedule.error());
    auto calendars = on_calendar(*schedule, parts.zone);
    if (!calendars)
        return unexpected("failed to translate schedule to OnCalendar=: " + calendars.error());

    SystemdUnits units;
    units.name = "stash-hook-" + unit_safe_name(spec.name);
    std::vector<std::string> argv{options.binary, "run", "-f", options.spec_path};
    std::string exec;
    for (const auto& a : argv) exec += (exec.empty() ? "" : " ") + systemd_arg(a);
    if (spec.lock.empty())
        exec += " --lock %S/stash-hook/" + systemd_arg(unit_safe_name(spec.name)) + ".lock";

    std::ostringstream s;
    s << "# " << units.name << ".service: generated by stash-hook generate systemd"
      << (options.user ? " --user" : "") << " from " << options.spec_path << "\n"
      << "[Unit]\n"
      << "Description=stash-hook session " << spec.name << "\n"
      << "Documentation=man:stash-hook(1)\n";
    if (!options.user) s << "Wants=network-online.target\nAfter=network-online.target\n";
    s << "\n[Service]\n"
      << "Type=oneshot\n"
      << "ExecStart=" << exec << "\n"
      << "# 0 on success; 120/121 hook failures, 122 locked, 125 bad spec: all show as a failed "
         "unit.\n"
      << "StateDirectory=stash-hook\n"
      << "CacheDirectory=stash-hook\n"
      << "# A spec without statusFile/metricsFile writes NAME.json and NAME.prom there.\n"
      << "Environment=STASH_HOOK_STATUS_DIR=%S/stash-hook STASH_HOOK_METRICS_DIR=%S/stash-hook\n"
      << "Environment=XDG_CACHE_HOME=%C/stash-hook\n"
      << "# SIGTERM to stash-hook alone, which forwards it and runs the post hooks.\n"
      << "KillMode=mixed\n"
      << "Nice=" << spec.nice.value_or(10) << "\n"
      << "IOSchedulingClass=" << (spec.io_class.empty() ? "best-effort" : spec.io_class) << "\n";
    if (spec.io_level)
        s << "IOSchedulingPriority=" << *spec.io_level << "\n";
    else if (spec.io_class.empty())
        s << "IOSchedulingPriority=7\n";
    s << "NoNewPrivileges=yes\n";
    if (!options.user)
        s << "PrivateTmp=yes\n"
          << "ProtectSystem=full\n"
          << "ProtectHome=read-only\n"
          << "ProtectKernelTunables=yes\n"
          << "ProtectKernelModules=yes\n"
          << "ProtectControlGroups=yes\n"
          << "RestrictSUIDSGID=yes\n"
          << "RestrictRealtime=yes\n"
          << "LockPersonality=yes\n";
    units.service = s.str();

    std::ostringstream t;
    t << "# " << units.name << ".timer: generated by stash-hook generate systemd"
      << (options.user ? " --user" : "") << " from " << options.spec_path << "\n"
      << "# enable with: systemctl" << (options.user ? " --user" : "") << " enable --now "
      << units.name << ".timer\n"
      << "[Unit]\n"
      << "Description=stash-hook schedule of " << spec.name << " (" << spec.schedule << ")\n"
      << "Documentation=man:stash-hook(1)\n"
      << "\n[Timer]\n";
    for (const auto& c : *calendars) t << "OnCalendar=" << c << "\n";
    t << "Persistent=true\n"
      << "AccuracySec=1s\n"
      << "\n[Install]\n"
      << "WantedBy=timers.target\n";
    units.timer = t.str();
    return units;
}

expected<std::string, std::string> crontab_entry(const Spec& spec, const GenerateOptions& options) {
    if (auto ok = require_schedule(spec); !ok) return unexpected(ok.error());
    const ScheduleParts parts = schedule_parts(spec);
    auto schedule = CronSchedule::parse(spec.schedule, spec.time_zone);
    if (!schedule) return unexpected("failed to read schedule: " + schedule.error());
    const auto fields = schedule->fields();
    if (!fields)
        return unexpected(
            "failed to translate schedule to a crontab line: \"" + spec.schedule +
            "\" counts from when the scheduler started, which cron cannot say: write a cron "
            "schedule such as \"0 */2 * * *\", or run stash-hook serve, which keeps @every");
    std::string line;
    line += set_list(fields->minutes, 0, "-") + " " + set_list(fields->hours, 0, "-") + " ";
    // robfig and cron agree: either day matching is enough when both are restricted,
    // and a * leaves the other alone. Written as numbers, a */2 is not a * to cron.
    auto restricted = [](const std::string& list, const char* all) {
        return list == "*" ? std::string(all) : list;
    };
    line += (fields->any_day ? "*" : restricted(set_list(fields->days, 1, "-"), "1-31")) + " " +
            set_list(fields->months, 1, "-") + " " +
            (fields->any_weekday ? "*" : restricted(set_list(fields->weekdays, 0, "-"), "0-6"));
    if (!options.user) line += " root";
    std::string command = cron_arg(options.binary) + " run -q -f " + cron_arg(options.spec_path);
    if (spec.lock.empty())
        command += options.user ? " --lock \"$HOME\"/" +
                                      cron_arg(".stash-hook-" + unit_safe_name(spec.name) + ".lock")
                                : " --lock " + cron_arg("/run/lock/stash-hook-" +
                                                        unit_safe_name(spec.name) + ".lock");
    std::string out = "# " + spec.name + ": generated by stash-hook generate cron from " +
                      options.spec_path + "\n";
    if (!options.user) out += "# for /etc/cron.d/stash-hook-" + unit_safe_name(spec.name) + "\n";
    if (!parts.zone.empty())
        out +=
            "# the schedule's zone; cronie honours CRON_TZ, Debian's cron runs in the host's "
            "zone\nCRON_TZ=" +
            parts.zone + "\n";
    return out + line + "  " + command + "\n";
}

expected<std::string, std::string> cronjob_manifest(const Spec& spec,
                                                    const GenerateOptions& options) {
    if (auto ok = require_schedule(spec); !ok) return unexpected(ok.error());
    const ScheduleParts parts = schedule_parts(spec);
    std::ifstream in(options.spec_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return unexpected("failed to read spec " + options.spec_path);
    const std::string name = "stash-hook-" + dns_name(spec.name);
    std::ostringstream m;
    m << "# generated by stash-hook generate kubernetes from " << options.spec_path << "\n"
      << "# apply with: kubectl apply -f -\n"
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " << name << "\n";
    if (!spec.ns.empty()) m << "  namespace: " << spec.ns << "\n";
    m << "data:\n  stash-hook.yaml: |\n";
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        m << (line.empty() ? "" : "    ") << line << "\n";
    m << "---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: " << name << "\n";
    if (!spec.ns.empty()) m << "  namespace: " << spec.ns << "\n";
    m << "spec:\n"
      << "  schedule: \"" << parts.expression << "\"\n";
    if (!parts.zone.empty()) m << "  timeZone: " << parts.zone << "\n";
    m << "  concurrencyPolicy: Forbid  # the lock: one session at a time\n"
      << "  jobTemplate:\n"
      << "    spec:\n"
      << "      backoffLimit: 0\n"
      << "      template:\n"
      << "        spec:\n"
      << "          restartPolicy: Never\n"
      << "          securityContext: {runAsNonRoot: true}\n"
      << "          containers:\n"
      << "            - name: stash-hook\n"
      << "              image: "
      << (options.image.empty() ? "registry.example.org/stash-hook-restic:" STASH_HOOK_VERSION
                                : options.image)
      << "\n"
      << "              args: [run, -f, /etc/stash-hook/stash-hook.yaml]\n"
      << "              securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: "
         "true}\n"
      << "              volumeMounts:\n"
      << "                - {name: spec, mountPath: /etc/stash-hook, readOnly: true}\n"
      << "                - {name: state, mountPath: /var/lib/stash-hook}\n"
      << "          volumes:\n"
      << "            - name: spec\n"
      << "              configMap: {name: " << name << "}\n"
      << "            - name: state\n"
      << "              emptyDir: {}\n";
    return m.str();
}

}  // namespace stash_hook
