"""Deployments: production a few times a week, previews and staging, two planted regressions.

Planted in the last month of the period, at busy hours so the deploy-impact test has samples:

- an **error regression**: production deployment whose requests fail with 5xx about 20 times
  as often (~0.2 % → ~4 %), replaced by a rollback (a redeploy of the previous commit) ~2 h later;
- a **latency regression**: production deployment whose server time is 1.6× (p95 +60 %),
  served until the next production deployment, at least a day later.

At ``scale=1`` a one-hour window holds only ~40 sampled transactions a side, too few for a
Mann–Whitney test at p < 0.01 to flag the latency regression (p ≈ 0.1); from ``scale=3`` on it
is flagged (p ≈ 2e-4). The error regression is flagged at ``scale=1``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from reports.demo.output import Output
from reports.demo.timeline import (
    AUTHORS,
    PROJECT_ID,
    PROJECT_NAME,
    Deployment,
    Regression,
    Scenario,
    local_midnight,
    month_start,
    ms,
    uid,
    utc,
)

PAGE_SIZE = 20
ERROR_FACTOR = 20.0
LATENCY_FACTOR = 1.6

_FEATURES = ("dashboard", "reports", "api", "auth", "projects", "search", "billing", "settings", "docs", "ui")
_VERBS = (("feat", "add {x} filters"), ("fix", "handle empty {x} state"), ("perf", "cache {x} queries"),
          ("chore", "bump {x} dependencies"), ("refactor", "split {x} module"), ("fix", "correct {x} pagination"),
          ("feat", "export {x} as CSV"), ("style", "tidy {x} layout"))
_BUILD_ERRORS = (("BUILD_FAILED", 'Command "npm run build" exited with 1'),
                 ("BUILD_UTILS_SPAWN_1", 'Command "next build" exited with 1: Type error in app/reports/page.tsx'),
                 ("NOT_FOUND", "Module not found: Can't resolve '@/lib/charts'"))


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def _host(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return f"{PROJECT_NAME}-{''.join(rng.choice(alphabet) for _ in range(9))}-acme.vercel.app"


def _message(rng: random.Random) -> tuple[str, str]:
    kind, text = rng.choice(_VERBS)
    feature = rng.choice(_FEATURES)
    return f"{kind}({feature}): {text.format(x=feature)}", f"{kind}/{feature}-{rng.randint(10, 99)}"


def _make(rng: random.Random, when_ms: int, target: str | None, state: str, ref: str, message: str,
          sha: str | None = None, source: str = "git", pr: int | None = None) -> Deployment:
    """A deployment whose build ends at ``when_ms`` (ready, failed or cancelled then)."""
    build = int(rng.lognormvariate(4.6, 0.35) * 1000)  # ~100 s
    queue = rng.randint(800, 20000)
    if state == "CANCELED":
        build = rng.randint(5000, 40000)
    building = when_ms - build
    dep = Deployment(
        uid=uid(rng, "dpl_"), target=target, state=state, created_ms=building - queue, building_ms=building,
        ready_ms=when_ms if state == "READY" else None, sha=sha or _sha(rng), ref=ref, message=message,
        author=rng.randrange(len(AUTHORS)), url=_host(rng), source=source, pr_id=pr,
    )
    if state == "ERROR":
        dep.error_code, dep.error_message = rng.choice(_BUILD_ERRORS)
    return dep


def _weekday_from(day: datetime, allowed: set[int]) -> datetime:
    while day.weekday() not in allowed:
        day += timedelta(days=1)
    return day


def plan_deployments(s: Scenario) -> None:
    """Add every deployment (sorted by creation) and the two planted regressions to ``s``."""
    rng = s.rng("deployments")
    last = local_midnight(month_start(s.months[-1]))
    e_day = _weekday_from(last + timedelta(days=7), {1, 2, 3})
    e_ready = e_day + timedelta(hours=14, minutes=10 + rng.randint(0, 20))
    r_ready = e_ready + timedelta(minutes=rng.randint(118, 132))
    l_day = _weekday_from(max(last + timedelta(days=17), e_day + timedelta(days=5)), {1, 2, 3})
    l_ready = l_day + timedelta(hours=14, minutes=35 + rng.randint(0, 15))
    quiet = [(e_ready - timedelta(hours=2), r_ready + timedelta(hours=2)),
             (l_ready - timedelta(hours=2), l_ready + timedelta(hours=28))]

    deployments: list[Deployment] = []
    first = local_midnight(month_start(s.months[0]))
    baseline = first - timedelta(days=1) + timedelta(hours=16)
    times = [baseline]
    day = first - timedelta(days=3)
    while day.astimezone(UTC) < s.end:
        weekday = day.weekday() < 5
        count = rng.choice((0, 1, 1, 2)) if weekday else int(rng.random() < 0.05)
        for _ in range(count):
            when = day + timedelta(minutes=rng.randint(10 * 60, 18 * 60 + 30))
            if any(lo <= when <= hi for lo, hi in quiet) or when.astimezone(UTC) >= s.end:
                continue
            if any(abs((when - t).total_seconds()) < 90 * 60 for t in times):
                continue
            times.append(when)
        day += timedelta(days=1)
    previous: Deployment | None = None
    for when in sorted(times + [e_ready, r_ready, l_ready]):
        message, _ = _message(rng)
        pr = rng.randint(300, 900)
        state = "READY"
        if when not in (baseline, e_ready, r_ready, l_ready):
            roll = rng.random()
            state = "ERROR" if roll < 0.05 else "CANCELED" if roll < 0.09 else "READY"
        if when == e_ready:
            message = "feat(auth): read the session's team from the edge config"
        elif when == l_ready:
            message = "feat(projects): load project metrics on the server"
        text = f"Merge pull request #{pr} from acme/{message.split(':')[0].replace('(', '/').rstrip(')')}\n\n{message}"
        if when == r_ready and previous is not None:
            dep = _make(rng, ms(when), "production", "READY", "main", previous.message, previous.sha, "redeploy")
        else:
            dep = _make(rng, ms(when), "production", state, "main", text)
        if when == e_ready:
            dep.error_mult = ERROR_FACTOR
        if when == l_ready:
            dep.latency_mult = LATENCY_FACTOR
        deployments.append(dep)
        if dep.state == "READY":
            previous = dep
    deployments += _previews(s, rng, first)
    deployments.sort(key=lambda d: (d.created_ms, d.uid))
    s.deployments = deployments
    prod = [d for d in deployments if d.target == "production" and d.state == "READY" and d.ready_ms]
    prod.sort(key=lambda d: d.ready_ms or 0)
    by_ready = {d.ready_ms: d for d in prod}
    e = by_ready[ms(e_ready)]
    r = by_ready[ms(r_ready)]
    ll = by_ready[ms(l_ready)]
    after = next(d for d in prod if (d.ready_ms or 0) > ms(l_ready))
    s.regressions = [
        Regression("error", e.uid, utc(ms(e_ready)), r.uid, utc(ms(r_ready)), ERROR_FACTOR),
        Regression("latency", ll.uid, utc(ms(l_ready)), after.uid, utc(after.ready_ms or 0), LATENCY_FACTOR),
    ]


def _previews(s: Scenario, rng: random.Random, first: datetime) -> list[Deployment]:
    found = []
    baseline = first - timedelta(days=1) + timedelta(hours=11)
    found.append(_make(rng, ms(baseline), None, "READY", "feat/reports-export", "feat(reports): export as CSV", pr=412))
    day = first - timedelta(days=2)
    pr = 420
    while day.astimezone(UTC) < s.end:
        weekday = day.weekday() < 5
        count = rng.choice((0, 1, 2, 2, 3, 4, 5)) if weekday else rng.choice((0, 0, 0, 1))
        for _ in range(count):
            when = day + timedelta(minutes=rng.randint(9 * 60, 21 * 60))
            if when.astimezone(UTC) >= s.end:
                continue
            roll = rng.random()
            state = "ERROR" if roll < 0.12 else "CANCELED" if roll < 0.18 else "READY"
            message, branch = _message(rng)
            pr += rng.randint(0, 2)
            found.append(_make(rng, ms(when), None, state, branch, message, pr=pr))
        if day.weekday() in (0, 3):
            when = day + timedelta(hours=17, minutes=rng.randint(0, 50))
            if when.astimezone(UTC) < s.end:
                state = "ERROR" if rng.random() < 0.08 else "READY"
                found.append(_make(rng, ms(when), "staging", state, "release", "chore(release): staging build"))
        day += timedelta(days=1)
    return found


def api_object(d: Deployment) -> dict[str, object]:
    """The deployment as ``GET /v6/deployments`` lists it."""
    author = AUTHORS[d.author]
    meta: dict[str, str] = {
        "githubCommitAuthorName": author[1].title(), "githubCommitAuthorLogin": author[3],
        "githubCommitMessage": d.message, "githubCommitOrg": "acme", "githubCommitRef": d.ref,
        "githubCommitRepo": PROJECT_NAME, "githubCommitSha": d.sha, "githubDeployment": "1",
        "githubOrg": "acme", "githubRepo": PROJECT_NAME, "githubRepoVisibility": "private",
    }
    if d.pr_id is not None and d.target is None:
        meta["githubPrId"] = str(d.pr_id)
    if d.source == "redeploy":
        meta["action"] = "redeploy"
    obj: dict[str, object] = {
        "uid": d.uid, "name": PROJECT_NAME, "projectId": PROJECT_ID, "url": d.url, "created": d.created_ms,
        "source": d.source, "state": d.state, "readyState": d.state, "type": "LAMBDAS",
        "creator": {"uid": author[0], "email": author[2], "username": author[1], "githubLogin": author[3]},
        "inspectorUrl": f"https://vercel.com/acme/{PROJECT_NAME}/{d.uid.removeprefix('dpl_')}",
        "meta": meta, "target": d.target, "aliasError": None, "isRollbackCandidate": False,
        "createdAt": d.created_ms, "buildingAt": d.building_ms,
    }
    if d.state == "READY" and d.ready_ms is not None:
        obj["ready"] = d.ready_ms
        obj["aliasAssigned"] = d.ready_ms + 900
        obj["checksState"] = "completed"
        obj["checksConclusion"] = "succeeded"
        if d.target == "production":
            obj["readySubstate"] = "PROMOTED"
            obj["isRollbackCandidate"] = True
    if d.state == "ERROR":
        obj["errorCode"] = d.error_code
        obj["errorMessage"] = d.error_message
    return obj


def write_pages(s: Scenario, out: Output) -> None:
    """The deployments as ``/v6/deployments`` pages of 20, newest first, one file per page."""
    items = [api_object(d) for d in sorted(s.deployments, key=lambda d: (-d.created_ms, d.uid))]
    pages = [items[k:k + PAGE_SIZE] for k in range(0, len(items), PAGE_SIZE)]
    for number, page in enumerate(pages, start=1):
        records = len(page)
        if number == 1:  # a planted bad record: an entry without its uid
            broken = dict(page[-1])
            broken.pop("uid")
            broken["url"] = "atcmp-web-broken00-acme.vercel.app"
            broken["created"] = broken["createdAt"] = int(str(page[-1]["created"])) - 1
            page = [*page, broken]
            records += 1
        last = number == len(pages)
        body = {"deployments": page, "pagination": {
            "count": len(page), "next": None if last else page[-1]["created"], "prev": page[0]["created"]}}
        rel = f"vercel/deployments/page-{number:03d}.json"
        out.json(rel, body, records)
        if number == 1:
            out.plant(rel, 1, "a deployment without its uid")
