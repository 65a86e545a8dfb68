#!/usr/bin/env python3
"""Writes cron_corpus.tsv, the differential corpus for cron_compare (run it again after editing).

Lines: schedule<TAB>zone<TAB>unix seconds[<TAB>differs: why]. Sources: robfig/cron v3's own
tests (spec_test.go, parser_test.go; 6-field ones without their seconds), the Kubernetes CronJob
documentation's examples, Stash's examples, and DST nights in several zones.
"""
import calendar
import datetime
import zoneinfo

ROBFIG = [
    "0/15 * * * *", "5/15 * * * *", "0/15 * * Jul *", "0/15 * * Jun *", "30 08 ? Jul Sun", "30 08 15 Jul ?",
    "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually", "@midnight",
    "* * 1,15 * Sun", "* * */10 * Sun", "* * * * Mon", "* * 1,15 * *", "* * */2 * Sun",
    "0/15 * * * *", "20-35/15 * * * *", "*/15 * * * *", "20-35/15 1/2 * * *", "20-35/15 10-12 * * *",
    "20-35/15 1/2 */2 * *", "20-35/15 * 9-20 * *", "20-35/15 * 9-20 Jul *", "0 0 9 Apr-Oct ?",
    "0 0 */5 Apr,Aug,Oct Mon", "0 0 */5 Oct Mon", "0 0 * Feb Mon", "0 0 * Feb Mon/2", "0 0 29 Feb ?",
    "30 2 11 Mar ?", "0 * * * ?", "0 1 * * ?", "0 2 * * ?", "30 2 04 Nov ?", "30 1 04 Nov ?", "0 3 * * ?",
    "5 * * * *", "* 5 * * *", "* * 5 * *", "* * * 5 *", "* * * * 5", "5-10 * * * *", "5,10,15 * * * *",
    "*/5 * * * *", "1-59/2 * * * *", "0 0 * * MON-FRI", "0 0 * * mon,wed,fri", "0 0 1 jan-mar *",
    "@every 1h30m", "@every 5m", "@every 1.5s", "@every 90s", "@every 0s", "@every -5s", "@every 1h1m1s",
    "CRON_TZ=America/New_York 0 6 * * ?", "TZ=America/New_York 0 6 * * ?", "CRON_TZ=Asia/Tokyo 30 4 * * *",
    "CRON_TZ=UTC 0 0 * * *", "TZ=Europe/Berlin @daily", "CRON_TZ=Europe/Berlin @every 1h",
    "0 0/1 * * *", "0/1 * * * *", "0 0 1/1 * *", "0 0 */1 * 1", "0 0 *,5 * 1", "0 0 */2 * 1", "0 0 ?/1 * 1",
    "0 0 1 * */1", "0 0 13 * 5", "0 0 13 * */2", "5,,35 * * * *", ",5 * * * *", "0 0 * * 0", "0 0 * * SUN",
    "0 12 * * 6", "0 0 L * *", "+5 * * * *", "05 * * * *", "*-5 * * * *", "0 0 31 * *", "0 0 31 1-12/2 *",
    "0 9-17/2 * * 1-5", "*/7 */3 * * *", "59 23 31 12 *", "0 0 29 2 1", "0 0 * * ?",
]
KUBERNETES = [
    "*/1 * * * *", "* * * * *", "0 0 13 * 5", "5 0 * 8 *", "15 14 1 * *", "0 22 * * 1-5", "23 0-20/2 * * *",
    "5 4 * * sun", "0 0,12 1 */2 *", "0 0 * * 6,0", "CRON_TZ=UTC 0 23 * * *", "TZ=UTC 0 23 * * *",
    "*/5 * * * *", "0 */6 * * *", "30 1 * * *", "0 3 * * 0", "@every 6h",
]
REJECTED = [
    "0 0 * * 7", "0 0 * * 1-7", "0 0 * * 5-7", "@DAILY", "@Hourly", "60 * * * *", "* 24 * * *", "* * 0 * *",
    "* * 32 * *", "* * * 13 *", "* * * 0 *", "0 0 0 * * *", "* * * *", "* * * * * * *", "TZ=Europe/Berlin",
    "1-2-3 * * * *", "1/2/3 * * * *", "*/0 * * * *", "@every 90", "@every", "@every 1x", "@sometimes",
    "* * * foo *", "* * * * funday", "5-2 * * * *", "* 22-2 * * *", "-5 * * * *", "a * * * *",
    "CRON_TZ=Mars/Olympus 0 3 * * *", "0 0 * * L", "0 0 1W * *", "0 0 * * 1#2", "0 0 * * 7-7",
]
DIFFERS = {
    ", * * * *": "robfig accepts a field that selects nothing and never runs; refused",
    "0 0 30 2 *": "robfig accepts a day no month has and never runs; refused",
    "@daily\\n": "a trailing newline (YAML block) is trimmed; robfig refuses a descriptor with it",
    "@every 1h\\n": "a trailing newline (YAML block) is trimmed; robfig refuses it",
    "0 3 * * *\\n": None,
}
EDGE = [", * * * *", "0 0 30 2 *", "@daily\\n", "@every 1h\\n", "0 3 * * *\\n", "0 0 31 4 *", "0 0 31 2,4 *"]
DIFFERS["0 0 31 4 *"] = DIFFERS["0 0 30 2 *"]
DIFFERS["0 0 31 2,4 *"] = DIFFERS["0 0 30 2 *"]

# DST nights: (zone, the local date of the change); instants start hours before it.
NIGHTS = [
    ("Europe/Berlin", "2024-03-31"), ("Europe/Berlin", "2024-10-27"),
    ("America/New_York", "2024-03-10"), ("America/New_York", "2024-11-03"),
    ("Australia/Lord_Howe", "2024-04-07"), ("Australia/Lord_Howe", "2024-10-06"),
    ("Pacific/Apia", "2011-12-29"), ("America/Santiago", "2024-04-06"), ("America/Santiago", "2024-09-07"),
    ("Europe/Berlin", "2090-10-30"), ("America/New_York", "2090-03-12"),
]
DST_SCHEDULES = ["* * * * *", "*/15 * * * *", "0 * * * *", "30 1 * * *", "30 2 * * *", "0 2 * * *", "0 3 * * *",
                 "15,45 1-3 * * *", "0 0 * * *", "0 12 * * *", "*/20 0-4 * * *", "0 */2 * * *"]


S = "a skipped wall time runs once at the transition; robfig skips it"
F = "a fixed time in a repeated hour runs once; robfig runs it in both passes"
R = "robfig's hour arithmetic around a 30-minute shift misses a run or adds one"
DST_DIFFERS = {
    ("Europe/Berlin", "2024-03-31"): {"30 2 * * *": S, "0 2 * * *": S, "15,45 1-3 * * *": S, "0 */2 * * *": S},
    ("America/New_York", "2024-03-10"): {"30 2 * * *": S, "0 2 * * *": S, "15,45 1-3 * * *": S, "0 */2 * * *": S},
    ("America/New_York", "2090-03-12"): {"30 2 * * *": S, "0 2 * * *": S, "15,45 1-3 * * *": S, "0 */2 * * *": S},
    ("Europe/Berlin", "2024-10-27"): {"30 2 * * *": F, "0 2 * * *": F, "15,45 1-3 * * *": F},
    ("America/New_York", "2024-11-03"): {"30 1 * * *": F, "15,45 1-3 * * *": F},
    ("Australia/Lord_Howe", "2024-04-07"): {"30 1 * * *": F, "15,45 1-3 * * *": F, "0 2 * * *": R, "0 3 * * *": R,
                                            "0 0 * * *": R, "0 12 * * *": R, "0 */2 * * *": R},
    ("Australia/Lord_Howe", "2024-10-06"): {"0 * * * *": S, "0 2 * * *": S, "15,45 1-3 * * *": S, "0 */2 * * *": S,
                                            "30 1 * * *": R, "0 3 * * *": R, "0 0 * * *": R, "0 12 * * *": R},
    ("Pacific/Apia", "2011-12-29"): {"30 1 * * *": S, "30 2 * * *": S, "0 2 * * *": S, "0 3 * * *": S, "0 12 * * *": S},
    ("America/Santiago", "2024-09-07"): {"0 0 * * *": S},
}


def unix(zone, text):
    d = datetime.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return calendar.timegm(d.utctimetuple())


def main():
    lines = []
    seen = set()

    def add(spec, zone, at, why=None):
        key = (spec, zone, at)
        if key in seen:
            return
        seen.add(key)
        lines.append("\t".join([spec, zone, str(at)] + (["differs: " + why] if why else [])))

    lines.append("# generated by make_corpus.py; see cron_compare.cpp for the format")
    for spec in ROBFIG + KUBERNETES + REJECTED + EDGE:
        for zone, when in [("UTC", "2012-07-09T23:35:51"), ("Europe/Berlin", "2026-11-26T13:07:30")]:
            add(spec, zone, unix(zone, when), DIFFERS.get(spec))
    for zone, day in NIGHTS:
        for spec in DST_SCHEDULES:
            add(spec, zone, unix(zone, day + "T00:00:00") - 3600, DST_DIFFERS.get((zone, day), {}).get(spec))
    with open("cron_corpus.tsv", "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
