"""The application's ``audit_logs`` table as the Supabase table editor exports it (CSV).

A team of 24 people: logins on working days (a few fail), project and report activity, role
changes, invitations, settings and API keys, rare deletions and permission denials, a feature
flag switched off during the error regression, and one brute-force burst of failed logins from
a single address followed by the address being blocked.
"""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from reports.demo.engine import DESKTOP_UA, KR_PREFIXES, MOBILE_UA
from reports.demo.output import Output
from reports.demo.timeline import Scenario, local_midnight, month_start, utc

COLUMNS = ["id", "created_at", "user_id", "action", "resource_type", "resource_id", "status", "ip_address",
           "user_agent", "metadata"]
BRUTE_FORCE_IP = "185.220.101.47"
BRUTE_FORCE_UA = "python-requests/2.32.3"
_NAMES = ("jiwoo", "minseo", "hyunwoo", "seoyeon", "daniel", "yuna", "jisoo", "taeyang", "haneul", "eunji",
          "sungmin", "nari", "dohyun", "chaeyoung", "woojin", "sora", "kevin", "mina", "junho", "ara",
          "hyejin", "sangwoo", "emma", "yejin")


@dataclass(frozen=True)
class BruteForce:
    """The planted burst of failed logins."""

    ip: str
    start: datetime
    end: datetime
    attempts: int
    target: str


@dataclass
class _User:
    id: str
    email: str
    role: str
    ip: str
    ua: str


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _users(rng: random.Random) -> list[_User]:
    users = []
    for k, name in enumerate(_NAMES):
        role = "owner" if k == 0 else "admin" if k < 4 else "member"
        prefix = rng.choice(KR_PREFIXES)
        ip = f"{prefix}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        ua = rng.choice(DESKTOP_UA if rng.random() < 0.75 else MOBILE_UA)
        users.append(_User(_uuid(rng), f"{name}@example.com", role, ip, ua))
    return users


def _stamp(moment: datetime) -> str:
    """Postgres ``timestamptz`` text as Supabase exports it: ``2026-10-03 09:14:07.123456+00``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + "+00"


def write(s: Scenario, out: Output) -> BruteForce:
    """Write ``audit/audit_logs.csv``; return the planted brute-force burst."""
    rng = s.rng("audit")
    users = _users(rng)
    admins = [u for u in users if u.role in ("owner", "admin")]
    projects = [_uuid(rng) for _ in range(30)]
    rows: list[tuple[datetime, list[str]]] = []

    def add(when: datetime, user: _User | None, action: str, rtype: str, rid: str, status: str = "success",
            meta: dict[str, object] | None = None, ip: str | None = None, ua: str | None = None) -> None:
        rows.append((when, [_uuid(rng), _stamp(when), user.id if user else "", action, rtype, rid, status,
                            ip or (user.ip if user else ""), ua or (user.ua if user else ""),
                            json.dumps(meta or {}, ensure_ascii=False)]))

    for day in s.days:
        base = local_midnight(day.local)
        workday = day.local.weekday() < 5
        for user in users:
            if rng.random() >= (0.8 if workday else 0.12):
                continue
            when = base + timedelta(minutes=rng.randint(8 * 60 + 20, 11 * 60), seconds=rng.random() * 60)
            if rng.random() < 0.05:
                add(when - timedelta(seconds=rng.randint(5, 40)), user, "user.login_failed", "session", "",
                    "failure", {"email": user.email, "reason": "invalid_password"})
            method = rng.choice(("password", "password", "google", "github"))
            add(when, user, "user.login", "session", _uuid(rng), meta={"method": method, "mfa": user.role != "member"})
            for _ in range(rng.randint(0, 4) if workday else rng.randint(0, 1)):
                later = when + timedelta(minutes=rng.randint(5, 8 * 60), seconds=rng.random() * 60)
                action, rtype = rng.choice((("project.update", "project"), ("project.update", "project"),
                                            ("report.export", "report"), ("report.create", "report"),
                                            ("project.create", "project"), ("member.invite", "team")))
                rid = rng.choice(projects) if rtype == "project" else _uuid(rng)
                meta: dict[str, object] = {"fields": ["name"]} if action == "project.update" else {}
                if action == "report.export":
                    meta = {"format": rng.choice(("pdf", "csv")), "month": day.month}
                if action == "member.invite":
                    meta = {"email": f"new.member{rng.randint(1, 999)}@example.com", "role": "member"}
                add(later, user, action, rtype, rid, meta=meta)
            if rng.random() < 0.3:
                add(when + timedelta(hours=rng.randint(6, 10), seconds=rng.random() * 60), user,
                    "user.logout", "session", "")
        if workday and rng.random() < 0.25:
            admin, target = rng.choice(admins), rng.choice(users[4:])
            old, new = ("member", "admin") if rng.random() < 0.5 else ("admin", "member")
            add(base + timedelta(hours=rng.randint(10, 17), minutes=rng.randint(0, 59)), admin, "role.update",
                "user", target.id, meta={"from": old, "to": new, "email": target.email})
        if workday and rng.random() < 0.3:
            admin = rng.choice(admins)
            key = rng.choice(("notifications.slack", "sla.targets", "retention.days", "timezone"))
            add(base + timedelta(hours=rng.randint(9, 18), minutes=rng.randint(0, 59)), admin, "settings.update",
                "settings", "team", meta={"key": key})
        if rng.random() < 0.12:
            user = rng.choice(users)
            add(base + timedelta(hours=rng.randint(9, 20), minutes=rng.randint(0, 59)), user,
                rng.choice(("api_key.create", "api_key.revoke")), "api_key", _uuid(rng))
        if rng.random() < 0.2:
            user = rng.choice(users[4:])
            add(base + timedelta(hours=rng.randint(9, 20), minutes=rng.randint(0, 59)), user, "permission.denied",
                "project", rng.choice(projects), "failure", {"required": "admin", "attempted": "project.delete"})
        if workday and rng.random() < 0.06:
            admin = rng.choice(admins)
            pid = projects.pop(rng.randrange(len(projects))) if len(projects) > 5 else _uuid(rng)
            add(base + timedelta(hours=rng.randint(10, 18), minutes=rng.randint(0, 59)), admin, "project.delete",
                "project", pid, meta={"name": f"sandbox-{rng.randint(1, 99)}"})
    # one account removed per month
    for month in s.months:
        admin = admins[0]
        when = local_midnight(month_start(month)) + timedelta(days=rng.randint(3, 25), hours=16, minutes=rng.randint(0, 59))
        add(when, admin, "user.delete", "user", _uuid(rng), meta={"email": f"former.{rng.randint(1, 99)}@example.com"})
    # the error regression: an admin switches the feature flag off before the rollback
    error = s.regression("error")
    add(error.ready + (error.ended - error.ready) * 0.7, admins[1], "feature_flag.update", "feature_flag",
        "edge-session", meta={"flag": "edge-session", "enabled": False, "reason": "5xx after deploy"})
    burst = _brute_force(s, rng, add)
    rows.sort(key=lambda r: (r[0], r[1][0]))
    bad = _bad_rows(s, users)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    lines = [row for _, row in rows]
    lines[len(lines) // 2:len(lines) // 2] = bad[:1]
    for row in lines:
        writer.writerow(row)
    buffer.write(bad[1][0] + "\n")  # a line cut short (fewer columns)
    rel = "audit/audit_logs.csv"
    out.path(rel).write_text(buffer.getvalue(), encoding="utf-8")
    out.add(rel, len(lines) + 1)
    out.plant(rel, 2, "a row without created_at, a row cut short")
    return burst


def _brute_force(s: Scenario, rng: random.Random, add: Callable[..., None]) -> BruteForce:
    """60 failed logins for one address within 4 minutes at night, then the address blocked."""
    last = month_start(s.months[-1])
    start = local_midnight(last + timedelta(days=12)) + timedelta(hours=3, minutes=12, seconds=7)
    target = "admin@example.com"
    moment = start
    attempts = 60
    for _ in range(attempts):
        add(moment, None, "user.login_failed", "session", "", "failure",
            {"email": target, "reason": "invalid_password"}, BRUTE_FORCE_IP, BRUTE_FORCE_UA)
        moment += timedelta(seconds=rng.uniform(2.0, 6.0))
    end = moment
    add(end + timedelta(seconds=1), None, "security.ip_blocked", "ip", BRUTE_FORCE_IP,
        meta={"reason": "too many failed logins", "attempts": attempts, "window_s": 300}, ip=BRUTE_FORCE_IP,
        ua="atcmp-web/rate-limiter")
    return BruteForce(BRUTE_FORCE_IP, start.astimezone(UTC), end.astimezone(UTC), attempts, target)


def _bad_rows(s: Scenario, users: list[_User]) -> list[list[str]]:
    user = users[7]
    at = utc(s.days[-1].start_ms + 11 * 3_600_000)
    missing = ["6f1c2b9e-0000-4000-8000-000000000001", "", user.id, "user.login", "session", "", "success",
               user.ip, user.ua, "{}"]
    cut = f"6f1c2b9e-0000-4000-8000-000000000002,{_stamp(at)},{user.id},project.update"
    return [missing, [cut]]
