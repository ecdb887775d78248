#!/usr/bin/env bash
# Checks the dashboards and alerts kept as code:
#   manifests/prometheus/warroom-rules.yaml   `promtool check rules`, and its unit tests
#                                             (warroom-rules.test.yaml) with `promtool test rules`;
#   manifests/grafana/warroom-dashboard.json  structure (ids, grid, data source variable) and
#                                             every panel's PromQL through promtool's parser;
# then tests/observability.rs: every warroom_* metric they use is exported by a running
# warroom's /metrics.
# promtool comes from Debian's `prometheus` package (installed when missing). Without it
# the rules and queries get a structural check only, and the script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/venv.sh

out=target/observability
mkdir -p "$out"
rules=manifests/prometheus/warroom-rules.yaml
dashboard=manifests/grafana/warroom-dashboard.json

if ! command -v promtool >/dev/null; then
  echo "observability-check: installing promtool (Debian package prometheus)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } >/dev/null 2>&1 || true
fi
ci_venv PyYAML==6.0.2 || { echo "observability-check: FAILED: could not install PyYAML" >&2; exit 1; }

# The dashboard's structure; its queries become recording rules so that promtool parses
# them (Grafana's variables replaced by values of the same type).
python3 - "$dashboard" "$rules" "$out/dashboard-queries.yaml" <<'PY'
import json, sys, yaml
dashboard_path, rules_path, queries_path = sys.argv[1:]
d = json.load(open(dashboard_path))
problems = []
assert d.get("uid") and d.get("title"), "uid and title"
variables = {v["name"] for v in d.get("templating", {}).get("list", [])}
ids = set()
queries = []
for p in d["panels"]:
    if p["id"] in ids:
        problems.append(f"panel id {p['id']} twice")
    ids.add(p["id"])
    g = p.get("gridPos", {})
    if not all(k in g for k in "xywh") or g["x"] + g["w"] > 24:
        problems.append(f"panel {p['title']!r}: gridPos {g}")
    if p["type"] == "row":
        continue
    if not p.get("targets"):
        problems.append(f"panel {p['title']!r} has no query")
    for t in p.get("targets", []):
        uid = t.get("datasource", {}).get("uid", "")
        if uid.strip("${}") not in variables:
            problems.append(f"panel {p['title']!r}: data source {uid!r} is not a dashboard variable")
        expr = t["expr"]
        for var, value in [("$__rate_interval", "5m"), ("$__range", "1h"), ("$job", ".+")]:
            expr = expr.replace(var, value)
        if "$" in expr:
            problems.append(f"panel {p['title']!r}: unknown variable in {t['expr']!r}")
        queries.append({"record": f"dashboard:panel_{p['id']}_{t['refId']}", "expr": expr})
if problems:
    sys.exit("dashboard: " + "; ".join(problems))
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": queries}]}, open(queries_path, "w"))

# The structural check of the rules, for when promtool is missing (and as a lint).
r = yaml.safe_load(open(rules_path))
alerts = [rule for g in r["groups"] for rule in g["rules"]]
for rule in alerts:
    for key in ("alert", "expr", "labels", "annotations"):
        if key not in rule:
            sys.exit(f"rules: {rule.get('alert', rule)} lacks {key}")
    if rule["labels"].get("severity") not in ("critical", "warning"):
        sys.exit(f"rules: {rule['alert']} has no severity critical|warning")
    if "summary" not in rule["annotations"]:
        sys.exit(f"rules: {rule['alert']} has no summary")
names = {a["alert"] for a in alerts}
for needed in ("WarroomOutboxNotDraining", "WarroomDeliveriesFailing", "WarroomSlackAuthFailing", "WarroomNoReadyReplica"):
    if needed not in names:
        sys.exit(f"rules: no {needed}")
print(f"dashboard: {len(ids)} panels, {len(queries)} queries; rules: {len(alerts)} alerts")
PY

if command -v promtool >/dev/null; then
  promtool check rules "$rules"
  (cd manifests/prometheus && promtool test rules warroom-rules.test.yaml)
  promtool check rules "$out/dashboard-queries.yaml"
else
  echo "observability-check: SKIPPED promtool check/test rules and the dashboard's PromQL parse:" \
       "promtool is not installed and apt-get could not install Debian's prometheus package" \
       "(structural checks above still ran)"
fi

cargo test --quiet --test observability
echo "observability-check: ok"
