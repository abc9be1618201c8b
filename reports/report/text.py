"""The report's words in Korean and English: labels, source names and the plain-language verdict.

Numbers are formatted by :mod:`reports.i18n` (the app uses the same functions); this module holds
only what is particular to the PDF. :func:`verdict` turns the gathered figures into one paragraph.

>>> label("executive_summary", "ko"), label("executive_summary", "en")
('요약', 'Executive summary')
"""

from __future__ import annotations

from typing import Any

from reports.i18n import Lang, fmt_duration, fmt_month, fmt_pct, fmt_value, objective_label

_LABELS: dict[str, tuple[str, str]] = {
    # (ko, en)
    "title": ("월간 SLA 보고서", "Monthly SLA report"),
    "about": ("보고서 정보", "About this report"),
    "service": ("서비스", "Service"),
    "period": ("기간", "Period"),
    "timezone": ("시간대", "Time zone"),
    "generated": ("생성 시각", "Generated"),
    "config_version": ("SLO 설정 버전", "SLO config version"),
    "environment": ("환경", "Environment"),
    "partial_month": ("이 달은 아직 끝나지 않았습니다: 생성 시각까지의 데이터만 반영됩니다.",
                      "This month is not over yet: only data up to the generation time is included."),
    "data_sources": ("데이터 소스와 수집 범위", "Data sources and coverage"),
    "source": ("소스", "Source"),
    "used_for": ("사용 목표", "Used for"),
    "records": ("레코드 수", "Records"),
    "days_with_data": ("데이터가 있는 날", "Days with data"),
    "sampling": ("샘플링", "Sampling"),
    "ledger_files": ("적재 파일 (원장)", "Files (ledger)"),
    "sampled": ("샘플링됨 (건수는 1/샘플률로 환산)", "sampled (counts scaled by 1/rate)"),
    "complete": ("전수", "complete"),
    "none": ("—", "—"),
    "half_open": ("[시작 포함, 끝 미포함)", "[start, end)"),
    "executive_summary": ("요약", "Executive summary"),
    "objective": ("목표 항목", "Objective"),
    "target": ("목표", "Target"),
    "actual": ("실적", "Actual"),
    "status": ("상태", "Status"),
    "change": ("전월 대비", "vs previous month"),
    "budget_remaining": ("남은 오류 예산", "Budget remaining"),
    "verdict": ("종합 판단", "Verdict"),
    "availability": ("가용성", "Availability"),
    "probe_uptime": ("프로브 가동률", "Probe uptime"),
    "request_availability": ("요청 가용성", "Request availability"),
    "probe_uptime_note": ("업타임 프로브 기준, 시간 가중", "uptime probes, time-weighted"),
    "request_availability_note": ("1 − 오류율, 사용자 요청 기준", "1 − error rate, over user requests"),
    "monitored_share": ("측정된 시간 비율", "Time monitored"),
    "per_monitor": ("모니터별 측정 시간 (분)", "Per monitor (minutes)"),
    "monitor": ("모니터", "Monitor"),
    "monitored": ("측정", "Monitored"),
    "down": ("다운", "Down"),
    "maintenance": ("점검", "Maintenance"),
    "unmonitored": ("미측정", "Unmonitored"),
    "uptime": ("가동률", "Uptime"),
    "incident_count": ("장애 수", "Incidents"),
    "error_budget": ("오류 예산", "Error budget"),
    "budget_unit": ("단위", "Unit"),
    "budget_allowed": ("허용량", "Budget"),
    "budget_consumed": ("소진", "Consumed"),
    "budget_left": ("잔여", "Remaining"),
    "minutes": ("분", "minutes"),
    "requests_unit": ("요청", "requests"),
    "budget_note": ("허용량 = (1 − 목표) × 측정 시간(가동률) 또는 목표 × 요청 수(오류율). 잔여가 음수이면 예산 초과입니다.",
                    "Budget = (1 − target) × monitored time (uptime) or target × requests (error rate). "
                    "A negative remainder means the budget was overspent."),
    "incidents": ("장애", "Incidents"),
    "start": ("시작", "Start"),
    "end": ("종료", "End"),
    "duration": ("지속 시간", "Duration"),
    "monitors": ("모니터", "Monitors"),
    "failed_probes": ("실패 프로브", "Failed probes"),
    "first_error": ("첫 오류", "First error"),
    "related_deployments": ("관련 배포 (시작 1시간 전부터 종료까지)", "Deployments from 1 h before to the end"),
    "mttr": ("MTTR (평균 복구 시간)", "MTTR (mean time to restore)"),
    "mtbf": ("MTBF (평균 장애 간격)", "MTBF (mean time between failures)"),
    "no_incidents": ("이 기간에 장애가 없었습니다.", "There were no incidents in this period."),
    "clipped": ("기간 경계에서 잘림", "clipped at the period boundary"),
    "latency": ("응답 시간", "Latency"),
    "mean": ("평균", "Mean"),
    "share_under": ("{target} 미만 비율", "Share under {target}"),
    "apdex": ("Apdex (T = {t})", "Apdex (T = {t})"),
    "samples": ("샘플", "Samples"),
    "estimated_requests": ("추정 요청 수", "Estimated requests"),
    "worst_routes": ("느린 경로와 경로별 목표 (p95 순)", "Slowest routes against their targets (by p95)"),
    "route": ("경로", "Route"),
    "route_target": ("경로 목표", "Route target"),
    "errors": ("오류", "Errors"),
    "error_rate": ("오류율", "Error rate"),
    "requests": ("요청 수", "Requests"),
    "server_errors": ("서버 오류 (5xx·크래시)", "Server errors (5xx, crashes)"),
    "api_error_rate": ("API 오류율", "API error rate"),
    "frontend_error_rate": ("프런트엔드 오류율 (페이지 로드당)", "Frontend error rate (per page load)"),
    "error_events": ("Sentry 오류 이벤트", "Sentry error events"),
    "status_classes": ("상태 코드 분류", "Status classes"),
    "status_class": ("분류", "Class"),
    "share": ("비율", "Share"),
    "top_issues": ("주요 Sentry 이슈", "Top Sentry issues"),
    "new_issues": ("이 기간의 신규 이슈", "New issues this period"),
    "issue": ("이슈", "Issue"),
    "issue_title": ("제목", "Title"),
    "events": ("이벤트", "Events"),
    "unhandled": ("미처리", "Unhandled"),
    "issue_status": ("상태", "Status"),
    "first_seen": ("최초 발생", "First seen"),
    "no_new_issues": ("신규 이슈가 없습니다.", "No new issues."),
    "vitals": ("Core Web Vitals", "Core Web Vitals"),
    "vitals_note": ("현장 데이터의 p75 (구글 기준: 좋음 / 개선 필요 / 나쁨).",
                    "Field data at p75 (Google's thresholds: good / needs improvement / poor)."),
    "cwv_assessment": ("Core Web Vitals 평가", "Core Web Vitals assessment"),
    "cwv_pass": ("통과 (LCP, INP, CLS 모두 좋음)", "passes (LCP, INP and CLS all good)"),
    "cwv_fail": ("미통과", "does not pass"),
    "cwv_no_data": ("데이터 부족으로 평가할 수 없음", "cannot be assessed: data missing"),
    "fid_substituted": ("INP 샘플이 없어 FID로 대신 평가했습니다.", "No INP samples: FID stands in for INP."),
    "metric": ("지표", "Metric"),
    "overall": ("전체", "Overall"),
    "mobile": ("모바일", "Mobile"),
    "desktop": ("데스크톱", "Desktop"),
    "good": ("좋음", "good"),
    "needs_improvement": ("개선 필요", "needs improvement"),
    "poor": ("나쁨", "poor"),
    "worst_pages": ("p75가 가장 나쁜 페이지", "Worst pages at p75"),
    "lighthouse": ("Lighthouse 요약 (실험실 데이터)", "Lighthouse summary (lab data)"),
    "lighthouse_note": ("실험실 데이터는 현장 데이터와 섞지 않습니다. 대표 실행의 중앙값.",
                        "Lab data is never mixed with field data. Median of the representative runs."),
    "url": ("URL", "URL"),
    "form_factor": ("기기", "Form factor"),
    "runs": ("실행 일수", "Run days"),
    "performance_score": ("성능 점수", "Performance score"),
    "assertions": ("LHCI 검사", "LHCI assertions"),
    "passed": ("통과", "pass"),
    "failed": ("실패", "fail"),
    "deployments": ("배포", "Deployments"),
    "deploy_count": ("배포 수", "Deployments"),
    "ready": ("성공", "Ready"),
    "deploy_error": ("실패", "Error"),
    "canceled": ("취소", "Canceled"),
    "build_failure_rate": ("빌드 실패율", "Build failure rate"),
    "build_p50": ("빌드 시간 p50", "Build time p50"),
    "per_week": ("주당 배포", "Per week"),
    "impact": ("배포 영향 분석", "Deploy impact analysis"),
    "impact_summary": ("프로덕션 배포 {n}건 중 {assessed}건 평가, 회귀 {regressions}건 (변경 실패율 {rate}).",
                       "{assessed} of {n} production deployments assessed; {regressions} regression(s) "
                       "(change failure rate {rate})."),
    "regressions": ("발견된 회귀", "Regressions found"),
    "no_regressions": ("회귀가 발견되지 않았습니다.", "No regressions were found."),
    "deployment": ("배포", "Deployment"),
    "ready_at": ("배포 시각", "Ready at"),
    "commit": ("커밋", "Commit"),
    "error_rate_before_after": ("오류율 전 → 후", "Error rate before → after"),
    "p95_before_after": ("p95 전 → 후", "p95 before → after"),
    "trends": ("추이", "Trends"),
    "trends_note": ("이번 달과 이전 6개월의 목표 달성 현황.", "This month against the previous 6 months."),
    "month": ("월", "Month"),
    "exclusions": ("제외 항목과 데이터 공백", "Exclusions and data gaps"),
    "maintenance_windows": ("승인된 점검 시간", "Approved maintenance windows"),
    "reason": ("사유", "Reason"),
    "approved_by": ("승인자", "Approved by"),
    "minutes_removed": ("제외된 시간 (분)", "Minutes removed"),
    "no_maintenance": ("이 기간에 점검 시간이 없습니다.", "No maintenance windows in this period."),
    "maintenance_total": ("측정에서 제외된 점검 시간 합계 (프로브가 보고한 점검 포함): {d}",
                          "Maintenance excluded from measurement in total (including maintenance reported by probes): {d}"),
    "data_gaps": ("데이터 공백", "Data gaps"),
    "unmonitored_total": ("미측정 시간 (프로브 없음): {d}, 점검 제외 기간의 {p}",
                          "Unmonitored time (no probe coverage): {d}, {p} of the period outside maintenance"),
    "sources_without_data": ("이 기간에 데이터가 없는 소스", "Sources with no data in this period"),
    "days_missing": ("{source}: {days}일 중 {missing}일 데이터 없음", "{source}: no data on {missing} of {days} days"),
    "quarantined": ("격리된 레코드 (전체 원장): {n}건", "Records in quarantine (whole ledger): {n}"),
    "no_gaps": ("데이터 공백이 없습니다.", "No data gaps."),
    "credits": ("SLA 크레딧", "SLA credits"),
    "credit_tier": ("구간", "Tier"),
    "uptime_below": ("가동률이 다음 미만일 때", "Uptime below"),
    "credit_percent": ("크레딧", "Credit"),
    "applies": ("적용", "Applies"),
    "yes": ("예", "yes"),
    "no": ("아니요", "no"),
    "credit_result": ("이번 달 가동률 {uptime}에 따른 크레딧: {credit}",
                      "Credit for this month's uptime of {uptime}: {credit}"),
    "credit_no_data": ("가동률 데이터가 없어 크레딧을 산정할 수 없습니다.",
                       "No uptime data: the credit cannot be computed."),
    "methodology": ("부록: 방법론", "Appendix: methodology"),
    "definitions": ("정의", "Definitions"),
    "reproducibility": ("재현성", "Reproducibility"),
    "fingerprint": ("입력 데이터 지문 (적재된 파일 sha256의 sha256)",
                    "Input data fingerprint (sha256 over the loaded files' sha256)"),
    "files_loaded": ("적재된 파일", "Files loaded"),
    "ledger": ("수집 원장", "Ingest ledger"),
    "kind": ("종류", "Kind"),
    "files": ("파일", "Files"),
    "rows_loaded": ("적재 행", "Rows loaded"),
    "rejected": ("격리", "Quarantined"),
    "software": ("소프트웨어", "Software"),
    "no_data_section": ("이 기간의 데이터가 없습니다: {what}.", "No data for this period: {what}."),
    "chart_unavailable": ("차트를 만들 수 없습니다", "Chart unavailable"),
    "page": ("쪽", "page"),
    "daily_uptime": ("일별 가동률", "Daily uptime"),
    "of": ("/", "of"),
}

SOURCE_NAMES: dict[str, tuple[str, str]] = {
    "probes": ("업타임 프로브", "Uptime probes"),
    "vercel_logs": ("Vercel 요청 로그", "Vercel request logs"),
    "sentry_transactions": ("Sentry 서버 트랜잭션", "Sentry server transactions"),
    "trace_spans": ("Vercel 트레이스 스팬", "Vercel trace spans"),
    "speed_insights": ("Vercel Speed Insights", "Vercel Speed Insights"),
    "sentry_pageloads": ("Sentry 페이지 로드", "Sentry page loads"),
    "sentry_errors": ("Sentry 오류 이벤트", "Sentry error events"),
    "vercel_deployments": ("Vercel 배포", "Vercel deployments"),
    "lighthouse": ("Lighthouse", "Lighthouse"),
}

# METRICS.md restated for the appendix, one (term, definition) pair per line.
_METHODOLOGY: dict[str, list[tuple[str, str]]] = {
    "ko": [
        ("기간", "월 YYYY-MM은 보고 시간대 기준 1일 00:00부터 다음 달 1일 00:00 직전까지의 반개구간 [시작, 끝)입니다. "
                "일광 절약 시간이 있는 시간대에서도 경계가 정확합니다(한 달이 743 또는 745시간일 수 있음)."),
        ("환경", "SLA 수치는 {environment} 환경만 사용합니다. 미리보기·스테이징은 배포 통계에만 나타납니다."),
        ("점검 시간", "설정 파일의 승인된 점검 시간 [시작, 끝) 안의 시간과 요청은 모든 목표의 측정에서 제외하고 "
                   "제외 항목 절에 나열합니다."),
        ("가동률", "모니터별로 프로브를 시각순으로 정렬하고, 프로브 i는 [ts_i, min(ts_i+1, ts_i + 2 × 간격))을 "
                 "덮습니다. 다운타임은 다운 구간의 합집합, 측정 시간은 덮인 구간의 합집합이며 둘 다 기간으로 "
                 "자르고 점검 시간을 뺍니다. 가동률 = 1 − 다운타임 / 측정 시간. degraded는 정상으로 셉니다. "
                 "미측정 시간은 정상도 다운도 아닌 수집 범위로 보고합니다."),
        ("장애", "다운타임이 끊기지 않고 이어진 최대 구간입니다. MTTR = 평균 장애 지속 시간, "
               "MTBF = 측정 시간 / 장애 수."),
        ("오류율", "사용자 요청(Vercel 요청 로그, requestId로 중복 제거, 백그라운드 재검증 제외) 중 상태 코드 "
                "500 이상이거나 함수가 비정상 종료된 요청의 비율. 요청 가용성 = 1 − 오류율. 4xx는 클라이언트 "
                "오류로 따로 보고합니다. 요청 로그가 없으면 Sentry http.server 트랜잭션을 씁니다."),
        ("응답 시간", "서버 트랜잭션(Sentry http.server, 없으면 Vercel 트레이스 서버 스팬) 하나가 샘플 하나입니다. "
                   "평균, p50/p90/p95/p99, 목표 미만 비율, Apdex(T = 300 ms)."),
        ("백분위수", "가장 가까운 순위 사이 선형 보간으로 정확히 계산합니다(DuckDB quantile_cont, numpy "
                 "percentile method=\"linear\"). 기간의 백분위수는 기간의 모든 샘플로 계산하며 일별 값을 "
                 "평균하지 않습니다."),
        ("Core Web Vitals", "현장 데이터(Speed Insights, 없으면 Sentry pageload 측정값)의 p75로 평가합니다. "
                            "기준: LCP 2500/4000 ms, INP 200/500 ms, CLS 0.1/0.25. LCP·INP·CLS가 모두 좋음이면 통과."),
        ("오류 예산", "허용량 = (1 − 목표) × 측정 시간(가동률) 또는 목표 × 요청 수(오류율). 소진율 = 나쁨 / 허용량, "
                   "잔여 = 1 − 소진율(초과 시 음수). 소진 그래프는 매일 끝 시점의 누적 잔여입니다."),
        ("배포 영향", "프로덕션 READY 배포마다 배포 전후 1시간(다음 배포에서 끊음)을 비교합니다. 오류율은 단측 "
                   "두 비율 z-검정 p < 0.01, p95는 20% 넘게 오르고 단측 Mann–Whitney U 검정 p < 0.01이면 회귀입니다. "
                   "샘플이 부족하면 '데이터 부족'이며 정상으로 보지 않습니다."),
        ("샘플링", "비율과 백분위수는 균일 샘플링의 영향을 받지 않습니다. 화면에 보이는 건수는 1/샘플률로 "
                "환산하며, 샘플링된 소스는 데이터 소스 표에 표시합니다."),
        ("데이터 없음", "샘플이 없는 목표의 상태는 '데이터 없음'이며 달성으로 보지 않습니다."),
    ],
    "en": [
        ("Period", "A month YYYY-MM is the half-open interval [local 00:00 on day 1, local 00:00 on day 1 of the next "
                   "month) in the report time zone; boundaries stay exact across daylight saving time (a month can "
                   "be 743 or 745 hours long)."),
        ("Environment", "SLA figures use the {environment} environment only; preview and staging appear in "
                        "deployment statistics only."),
        ("Maintenance", "Time and requests inside the config's approved maintenance windows [start, end) are "
                        "excluded from every objective and listed under Exclusions."),
        ("Uptime", "Per monitor, probes are sorted by time; probe i covers [ts_i, min(ts_i+1, ts_i + 2 × interval)). "
                   "Downtime is the union of down intervals, monitored time the union of covered intervals, both "
                   "clipped to the period with maintenance removed. Uptime = 1 − downtime / monitored time; "
                   "degraded counts as up. Unmonitored time is reported as coverage, neither up nor down."),
        ("Incidents", "Maximal runs of downtime. MTTR = mean incident duration; MTBF = monitored time / incidents."),
        ("Error rate", "The share of user requests (Vercel request logs, deduplicated by requestId, background "
                       "revalidations excluded) with status ≥ 500 or a crashed function. Request availability = "
                       "1 − error rate. 4xx are client errors, reported separately. Without request logs, Sentry "
                       "http.server transactions are used."),
        ("Latency", "One sample per server transaction (Sentry http.server, else Vercel trace-drain server spans): "
                    "mean, p50/p90/p95/p99, share under the target, Apdex with T = 300 ms."),
        ("Percentiles", "Exact, with linear interpolation between closest ranks (DuckDB quantile_cont, numpy "
                        "percentile method=\"linear\"); a period's percentile is computed over all its samples, "
                        "never by averaging daily percentiles."),
        ("Core Web Vitals", "Field data (Speed Insights, else Sentry pageload measurements) assessed at p75. "
                            "Thresholds: LCP 2500/4000 ms, INP 200/500 ms, CLS 0.1/0.25; passes when LCP, INP and "
                            "CLS are all good."),
        ("Error budget", "Budget = (1 − target) × monitored time (uptime) or target × requests (error rate); "
                         "consumed = bad / budget, remaining = 1 − consumed (negative when overspent). The burn-down "
                         "shows what remained at the end of each day."),
        ("Deploy impact", "Each production READY deployment compares the hour before with the hour after (cut short "
                          "by the next deployment). A regression is an error-rate rise with a one-sided two-proportion "
                          "z-test p < 0.01, or a p95 rise above 20 % with a one-sided Mann–Whitney U test p < 0.01. "
                          "Too few samples give 'insufficient data', never 'ok'."),
        ("Sampling", "Ratios and percentiles are unaffected by uniform sampling; counts shown are scaled by "
                     "1 / sample rate, and sampled sources are marked in the data sources table."),
        ("No data", "An objective without samples has the status 'no data', which is never counted as met."),
    ],
}

_WINDOWS = {
    "ko": "기간: 보고 시간대의 달력 월 [시작, 끝). 일별 값은 보고 시간대의 하루 단위. 전월 대비는 바로 앞 달력 월. "
          "추이는 이번 달을 포함한 최근 7개월. 배포 영향 창은 배포 전후 1시간. 관련 배포는 장애 시작 1시간 전부터 "
          "장애가 끝날 때까지 준비된 프로덕션 배포입니다. 느린 경로는 샘플이 20개 이상인 경로 중 p95 순이며, 목표가 있는 "
          "경로는 항상 표시합니다. 종합 판단은 나쁜 쪽(다운타임 비율, 오류율, 응답 시간, 웹 지표)이 전월보다 10% 이상 "
          "변했을 때 전월 대비 변화를 언급합니다. 원장의 파일 수는 모든 달의 파일입니다.",
    "en": "Period: the calendar month [start, end) in the report time zone. Daily values are local days. "
          "'vs previous month' compares with the calendar month before. Trends cover the last 7 months including "
          "this one. Deploy impact windows are 1 h before and after a deployment; related deployments are production "
          "deployments ready from 1 h before an incident starts until it ends. Slowest routes are ranked by p95 among "
          "routes with at least 20 samples; routes with a target are always listed. The verdict mentions a change "
          "against the previous month when the bad side (downtime share, error rate, latency, vitals) moved by 10 % "
          "or more. The ledger's file counts cover every month loaded.",
}


def label(key: str, lang: Lang, **values: Any) -> str:
    """The phrase ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    ko, en = _LABELS[key]
    text = ko if lang == "ko" else en
    return text.format(**values) if values else text


def source_name(source: str | None, lang: Lang) -> str:
    """A data source's display name (``vercel_logs`` → ``Vercel request logs``)."""
    if not source:
        return label("none", lang)
    names = SOURCE_NAMES.get(source)
    return (names[0] if lang == "ko" else names[1]) if names else source


def methodology(lang: Lang, environment: str) -> list[tuple[str, str]]:
    """The appendix's definitions as ``(term, definition)`` pairs."""
    return [(term, text.format(environment=environment)) for term, text in _METHODOLOGY[lang]]


def windows(lang: Lang) -> str:
    """The window definitions paragraph."""
    return _WINDOWS[lang]


def _join(items: list[str], lang: Lang) -> str:
    if lang == "ko":
        return ", ".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _mid(name: str, lang: Lang) -> str:
    """A label inside an English sentence: "Error rate" → "error rate" (acronyms stay as they are)."""
    if lang == "en" and name[:1].isupper() and name[1:2].islower():
        return name[0].lower() + name[1:]
    return name


def _target_text(o: dict[str, Any], lang: Lang) -> str:
    return f"{o['comparison'].replace('>=', '≥').replace('<=', '≤')} {fmt_value(o['id'], o['target'], lang)}"


def verdict(ctx: dict[str, Any], lang: Lang) -> str:
    """One plain-language paragraph that says how the month went, generated from the figures."""
    objectives = ctx["summary"]["objectives"]
    month = fmt_month(ctx["summary"]["month"], lang)
    service = ctx["meta"]["service"]
    met = [o for o in objectives if o["status"] == "met"]
    missed = [o for o in objectives if o["status"] == "missed"]
    no_data = [o for o in objectives if o["status"] == "no_data"]
    sentences: list[str] = []
    total = len(objectives)
    if not objectives or len(no_data) == total:
        sentences.append(f"{month} {service} 서비스의 SLA는 평가할 수 없습니다: 어떤 목표에도 데이터가 없습니다."
                         if lang == "ko" else
                         f"{service}'s SLA for {month} cannot be assessed: no objective has any data.")
        return " ".join(sentences)
    if len(met) == total:
        sentences.append(f"{month} {service} 서비스는 {total}개 목표를 모두 달성했습니다." if lang == "ko"
                         else f"In {month}, {service} met all {total} objectives.")
    else:
        sentences.append(f"{month} {service} 서비스는 {total}개 목표 중 {len(met)}개를 달성했습니다." if lang == "ko"
                         else f"In {month}, {service} met {len(met)} of {total} objectives.")
    if missed:
        word = "목표" if lang == "ko" else "target"
        parts = [f"{objective_label(o['id'], lang)} {fmt_value(o['id'], o['actual'], lang)} ({word} {_target_text(o, lang)})"
                 for o in missed]
        sentences.append(f"미달한 목표: {_join(parts, lang)}." if lang == "ko" else f"Missed: {_join(parts, lang)}.")
    by_id = {o["id"]: o for o in objectives}
    up = by_id.get("uptime")
    if up and up["actual"] is not None:
        incidents = ctx["uptime"]["incidents"]
        down = fmt_duration(ctx["uptime"]["summary"].get("down_s") or 0, lang)
        remaining = up.get("budget_remaining")
        if lang == "ko":
            text = f"가동률은 {fmt_value('uptime', up['actual'], lang)}이며 장애 {len(incidents)}건으로 총 {down} 다운되었습니다"
            if remaining is not None:
                text += (f". 가동률 오류 예산은 {fmt_pct(remaining, lang, 1)} 남았습니다" if remaining >= 0
                         else f". 가동률 오류 예산을 {fmt_pct(-remaining, lang, 1)} 초과했습니다")
        else:
            text = (f"Uptime was {fmt_value('uptime', up['actual'], lang)} with {len(incidents)} incident(s) "
                    f"and {down} of downtime")
            if remaining is not None:
                text += (f"; {fmt_pct(remaining, lang, 1)} of the uptime error budget remains" if remaining >= 0
                         else f"; the uptime error budget was overspent by {fmt_pct(-remaining, lang, 1)}")
        sentences.append(text + ".")
    er = by_id.get("error_rate")
    if er and er["actual"] is not None:
        value = fmt_value("error_rate", er["actual"], lang)
        remaining = er.get("budget_remaining")
        if lang == "ko":
            text = f"오류율은 {value}"
            if remaining is None:
                text += "입니다"
            elif remaining >= 0:
                text += f"이며 오류율 오류 예산은 {fmt_pct(remaining, lang, 1)} 남았습니다"
            else:
                text += f"이며 오류율 오류 예산을 {fmt_pct(-remaining, lang, 1)} 초과했습니다"
        else:
            text = f"The error rate was {value}"
            if remaining is not None:
                text += (f"; {fmt_pct(remaining, lang, 1)} of its error budget remains" if remaining >= 0
                         else f"; its error budget was overspent by {fmt_pct(-remaining, lang, 1)}")
        sentences.append(text + ".")
    changes = [c for c in ctx["objective_changes"] if c.get("notable")]
    worse = [c for c in changes if c["direction"] == "worse"]
    better = [c for c in changes if c["direction"] == "better"]
    if worse or better:
        if lang == "ko":
            bits = []
            if better:
                bits.append(f"{_join([objective_label(c['id'], lang) for c in better], lang)} 개선")
            if worse:
                bits.append(f"{_join([objective_label(c['id'], lang) for c in worse], lang)} 악화")
            sentences.append(f"전월 대비: {', '.join(bits)}.")
        else:
            bits = []
            if better:
                bits.append(f"{_join([_mid(objective_label(c['id'], lang), lang) for c in better], lang)} improved")
            if worse:
                bits.append(f"{_join([_mid(objective_label(c['id'], lang), lang) for c in worse], lang)} got worse")
            sentences.append(f"Compared with the previous month, {'; '.join(bits)}.")
    if no_data:
        names = _join([objective_label(o["id"], lang) for o in no_data], lang)
        sentences.append(f"데이터가 없어 평가하지 못한 목표: {names} (달성으로 보지 않음)." if lang == "ko"
                         else f"Not assessed for lack of data: {names} (not counted as met).")
    if ctx["meta"]["partial"]:
        sentences.append(label("partial_month", lang))
    return " ".join(sentences)
