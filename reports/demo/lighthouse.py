"""Lighthouse CI: every morning 3 URLs × 3 runs (mobile, simulated throttling).

Each lab day's ``.lighthouseci`` folder is archived as ``lighthouse/<date>/`` (a dot-folder would be
skipped by ingest): ``lhr-<ms>.json`` per run (a realistic but trimmed LHR), ``manifest.json``
with the representative run per URL, and ``assertion-results.json``. Scores follow Lighthouse's
log-normal scoring curves; runs while the slow deployment serves are slower; one run fails.
"""

from __future__ import annotations

import math
import random
import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

from reports.demo.output import Output
from reports.demo.timeline import DOMAIN, Scenario, local_midnight, ms

VERSION = "12.8.2"
URLS = (f"https://{DOMAIN}/", f"https://{DOMAIN}/pricing", f"https://{DOMAIN}/docs/getting-started")
RUNNER = "/home/runner/work/atcmp-web/atcmp-web/.lighthouseci"
# id: (title, weight in the performance score, p10, median, unit) — Lighthouse 12 mobile curves
METRICS = {
    "first-contentful-paint": ("First Contentful Paint", 10, 1800, 3000, "millisecond", "FCP"),
    "speed-index": ("Speed Index", 10, 3387, 5800, "millisecond", "SI"),
    "largest-contentful-paint": ("Largest Contentful Paint", 25, 2500, 4000, "millisecond", "LCP"),
    "total-blocking-time": ("Total Blocking Time", 30, 200, 600, "millisecond", "TBT"),
    "cumulative-layout-shift": ("Cumulative Layout Shift", 25, 0.1, 0.25, "unitless", "CLS"),
}
_PROFILE = {  # typical lab values per URL: fcp, si, lcp, tbt, cls, ttfb
    URLS[0]: (1500, 2900, 2400, 140, 0.02, 120),
    URLS[1]: (1400, 2600, 2200, 110, 0.05, 110),
    URLS[2]: (1600, 3100, 2700, 190, 0.01, 130),
}
ASSERTIONS = (  # (auditId, auditProperty, name, expected, operator, level)
    ("categories", "performance", "minScore", 0.9, ">=", "warn"),
    ("largest-contentful-paint", None, "maxNumericValue", 3000, "<=", "error"),
    ("cumulative-layout-shift", None, "maxNumericValue", 0.1, "<=", "error"),
    ("total-blocking-time", None, "maxNumericValue", 300, "<=", "warn"),
)


def log_normal_score(value: float, p10: float, median: float) -> float:
    """Lighthouse's ``getLogNormalScore`` (complementary log-normal, clamped by band)."""
    if value <= 0:
        return 1.0
    standardized = math.log(value / median) * 0.9061938024368232 / -math.log(p10 / median)
    score = (1 - math.erf(standardized)) / 2
    if value <= p10:
        return max(0.9, min(1.0, score))
    if value <= median:
        return max(0.5, min(0.8999999999999999, score))
    return max(0.0, min(0.49999999999999994, score))


def _display(value: float, unit: str) -> str:
    if unit == "unitless":
        return f"{value:.3f}"
    if value >= 1000:
        return f"{value / 1000:.1f}\u00a0s"
    return f"{round(value / 10) * 10:,.0f}\u00a0ms"


def _audit(audit_id: str, title: str, value: float | None, unit: str, score: float | None) -> dict[str, Any]:
    if value is None:
        return {"id": audit_id, "title": title, "description": "", "score": None, "scoreDisplayMode": "error",
                "errorMessage": "NO_FCP"}
    return {"id": audit_id, "title": title, "description": f"{title} of the page. [Learn more](https://developer.chrome.com/docs/lighthouse/performance/)",
            "score": score, "scoreDisplayMode": "numeric", "numericValue": value, "numericUnit": unit,
            "displayValue": _display(value, unit)}


def _run(rng: random.Random, url: str, fetched: datetime, slow: float, failed: bool) -> dict[str, Any]:
    fcp, si, lcp, tbt, cls, ttfb = _PROFILE[url]
    noise = [math.exp(rng.gauss(0, 0.08)) for _ in range(6)]
    ttfb_v = ttfb * slow * noise[5]
    values = {
        "first-contentful-paint": fcp * noise[0] + ttfb_v - ttfb,
        "speed-index": si * noise[1] + ttfb_v - ttfb,
        "largest-contentful-paint": lcp * noise[2] + 2 * (ttfb_v - ttfb),
        "total-blocking-time": tbt * math.exp(rng.gauss(0, 0.3)),
        "cumulative-layout-shift": cls * noise[4],
    }
    audits: dict[str, Any] = {}
    refs = []
    total = 0.0
    for audit_id, (title, weight, p10, median, unit, acronym) in METRICS.items():
        value = None if failed else round(values[audit_id], 3 if unit == "millisecond" else 6)
        score = None if value is None else round(log_normal_score(value, p10, median), 2)
        audits[audit_id] = _audit(audit_id, title, value, unit, score)
        refs.append({"id": audit_id, "weight": weight, "group": "metrics", "acronym": acronym})
        total += weight * (score or 0)
    interactive = None if failed else round(values["speed-index"] * 1.15 + values["total-blocking-time"], 3)
    audits["interactive"] = _audit("interactive", "Time to Interactive", interactive, "millisecond",
                                   None if interactive is None else round(log_normal_score(interactive, 3785, 7300), 2))
    audits["server-response-time"] = _audit("server-response-time", "Initial server response time was short",
                                             None if failed else round(ttfb_v, 3), "millisecond",
                                             None if failed else (1 if ttfb_v < 600 else 0))
    perf = None if failed else round(total / 100, 2)
    lhr: dict[str, Any] = {
        "lighthouseVersion": VERSION, "requestedUrl": url, "mainDocumentUrl": url, "finalDisplayedUrl": url,
        "fetchTime": fetched.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{fetched.microsecond // 1000:03d}Z",
        "gatherMode": "navigation", "runWarnings": [],
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36",
        "environment": {
            "networkUserAgent": "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
            "hostUserAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36",
            "benchmarkIndex": round(rng.uniform(1650, 1900), 1), "credits": {"axe-core": "4.10.3"}},
        "audits": audits,
        "configSettings": {
            "output": ["json", "html"], "maxWaitForFcp": 30000, "maxWaitForLoad": 45000, "formFactor": "mobile",
            "throttling": {"rttMs": 150, "throughputKbps": 1638.4, "requestLatencyMs": 562.5,
                           "downloadThroughputKbps": 1474.5600000000002, "uploadThroughputKbps": 675,
                           "cpuSlowdownMultiplier": 4},
            "throttlingMethod": "simulate",
            "screenEmulation": {"mobile": True, "width": 412, "height": 823, "deviceScaleFactor": 1.75, "disabled": False},
            "channel": "cli", "locale": "en-US", "onlyCategories": None},
        "categories": {
            "performance": {"title": "Performance", "supportedModes": ["navigation", "timespan", "snapshot"],
                            "auditRefs": refs, "id": "performance", "score": perf},
            "accessibility": {"title": "Accessibility", "auditRefs": [], "id": "accessibility",
                              "score": None if failed else round(rng.choice((0.94, 0.96, 0.96, 0.98)), 2)},
            "best-practices": {"title": "Best Practices", "auditRefs": [], "id": "best-practices",
                               "score": None if failed else rng.choice((0.96, 1.0, 1.0))},
            "seo": {"title": "SEO", "auditRefs": [], "id": "seo", "score": None if failed else rng.choice((0.92, 1.0))},
        },
        "categoryGroups": {"metrics": {"title": "Metrics"}},
        "timing": {"total": round(rng.uniform(9000, 16000), 2)},
        "i18n": {"rendererFormattedStrings": {}},
    }
    if failed:
        lhr["runtimeError"] = {"code": "NO_FCP", "message": "The page did not paint any content. Please ensure you "
                               "keep the browser window in the foreground during the load and try again. (NO_FCP)"}
        lhr["runWarnings"] = ["The page loaded too slowly to finish within the time limit."]
    return lhr


def write(s: Scenario, out: Output) -> str:
    """Write every day's LHCI folder; return the path of the planted failed run (``NO_FCP``)."""
    rng = s.rng("lighthouse")
    latency = s.regression("latency")
    last = [d for d in s.days if d.month == s.months[-1]]
    failed_day = last[min(8, len(last) - 1)]
    failed_run = ""
    # LHCI runs twice a week (Monday and Thursday, as a scheduled CI job), plus the failed day:
    # daily runs would make hundreds of small files a month for little extra trend detail
    lab_days = [d for d in s.days if d.local.weekday() in (0, 3) or d == failed_day]
    for day in lab_days:
        folder = f"lighthouse/{day.name}"
        start = local_midnight(day.local) + timedelta(hours=6, minutes=3)
        manifest: list[dict[str, Any]] = []
        results: list[dict[str, Any]] = []
        moment = start
        for u_index, url in enumerate(URLS):
            runs = []
            for r in range(3):
                moment += timedelta(seconds=rng.uniform(11, 19))
                slow = latency.factor if latency.ready <= moment < latency.ended else 1.0
                failed = day == failed_day and u_index == 2 and r == 1
                lhr = _run(rng, url, moment.replace(microsecond=rng.randrange(1000) * 1000), slow, failed)
                name = f"lhr-{ms(moment)}"
                out.json(f"{folder}/{name}.json", lhr, 1, indent=2)
                if failed:
                    failed_run = f"{folder}/{name}.json"
                runs.append((name, lhr))
            scored = [(lhr["categories"]["performance"]["score"], name) for name, lhr in runs
                      if lhr["categories"]["performance"]["score"] is not None]
            median = statistics.median_low(sorted(scored))[1] if scored else runs[0][0]
            for name, lhr in runs:
                manifest.append({
                    "url": url, "isRepresentativeRun": name == median,
                    "htmlPath": f"{RUNNER}/{name}.html", "jsonPath": f"{RUNNER}/{name}.json",
                    "summary": {key: cat["score"] for key, cat in lhr["categories"].items()},
                })
            results += _assertions(url, [lhr for _, lhr in runs])
        out.json(f"{folder}/manifest.json", manifest, len(manifest), indent=2)
        out.json(f"{folder}/assertion-results.json", results, len(results), indent=2)
    return failed_run


def _assertions(url: str, runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for audit_id, prop, name, expected, operator, level in ASSERTIONS:
        if audit_id == "categories":
            values = [r["categories"][prop]["score"] for r in runs]
        else:
            values = [r["audits"][audit_id].get("numericValue") for r in runs]
        values = [v for v in values if v is not None]
        if not values:
            continue
        # LHCI's default "optimistic" aggregation: the best run decides
        actual = max(values) if operator == ">=" else min(values)
        passed = actual >= expected if operator == ">=" else actual <= expected
        result = {"name": name, "expected": expected, "actual": actual, "values": values, "operator": operator,
                  "passed": passed, "auditId": audit_id, "level": level, "url": url}
        if prop:
            result["auditProperty"] = prop
        found.append(result)
    return found
