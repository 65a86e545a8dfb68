#pragma once
// `stash-hook generate`: what the host's scheduler runs, from a spec's schedule (man
// page, GENERATE): a systemd service and timer, a crontab line, a Kubernetes CronJob.

#include <string>
#include <vector>

#include "schedule/cron.hpp"
#include "spec/spec.hpp"
#include "util/expected.hpp"

namespace stash_hook {

struct GenerateOptions {
    std::string spec_path;  // absolute: what the generated command runs with -f
    std::string binary = "/usr/bin/stash-hook";
    bool user = false;  // systemd --user units (no system-only hardening)
    std::string image;  // the CronJob's; empty: the Containerfile's
                        // registry.example.org/stash-hook-restic:VERSION
};

/// The OnCalendar= values whose union is `schedule` (two when both day of month and day
/// of week are restricted, which robfig/cron ORs), with the zone appended when
/// `zone` is not empty. @every has no calendar form: an error says what to write.
expected<std::vector<std::string>, std::string> on_calendar(const CronSchedule& schedule,
                                                            const std::string& zone);

/// The schedule without a CRON_TZ=/TZ= prefix, and the zone it names or the spec's
/// timeZone (empty: the host's local time).
struct ScheduleParts {
    std::string expression;
    std::string zone;
};
ScheduleParts schedule_parts(const Spec& spec);

struct SystemdUnits {
    std::string name;  // "stash-hook-NAME": NAME.service and NAME.timer
    std::string service;
    std::string timer;
};
expected<SystemdUnits, std::string> systemd_units(const Spec& spec, const GenerateOptions& options);

/// One line for /etc/cron.d (with the user field) or, with options.user, for crontab -e.
expected<std::string, std::string> crontab_entry(const Spec& spec, const GenerateOptions& options);

/// A batch/v1 CronJob running the image with the spec from a ConfigMap.
expected<std::string, std::string> cronjob_manifest(const Spec& spec,
                                                    const GenerateOptions& options);

}  // namespace stash_hook
