#!/usr/bin/env python3
"""Writes tests/eval/NN-name/{pack.ind, evidence.json, expected.json[, params.txt]}.
Expected verdicts and witnesses are written by hand below, from the spec; counts and risk are
derived from them here with exact fractions (independently of the engine)."""
import json, os, sys
from fractions import Fraction
from decimal import Decimal, ROUND_HALF_UP

ROOT = sys.argv[1]
SCHEMA = """
fact flow { host: string  country: string?  port: int?  tls: bool?  data: [string]?  bytes_out: int?  sdk: string? }
fact permission { name: string  source: string? }
fact behavior { kind: string  detail: string?  state: string? }
fact sdk { id: string  kind: string?  country: string? }
fact finding { check: string  failed: bool }
fact metric { value: float?  score: int?  tags: [int]?  weights: [float]? }
fact datum { type: string }
"""
DEFAULT_W = {"low": 1, "medium": 2, "high": 3, "critical": 5}

def risk(parts, total):
    if total == 0:
        return 0.0
    x = Fraction(100) * parts / total
    d = (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(d)

def case(n, name, indicators, evidence, extra="", categories=None, params=None, warnings=None, note=""):
    """indicators: list of (id, when, verdict, witnesses[(kind, index)], severity='medium', weight=None, category='c')"""
    cats = categories or [("c", "Cases")]
    lines = [f"# {note}" if note else "# eval case", "standard case_{0} {{ title: \"Case {0}\"  version: \"1\" }}".format(n)]
    for cid, title in cats:
        lines.append(f'category {cid} {{ title: "{title}" }}')
    lines.append(SCHEMA.strip())
    if extra:
        lines.append(extra.strip())
    exp_inds = []
    weights = []
    for ind in indicators:
        iid, when, verdict, wits = ind[:4]
        sev = ind[4] if len(ind) > 4 else "medium"
        weight = ind[5] if len(ind) > 5 else None
        cat = ind[6] if len(ind) > 6 else cats[0][0]
        wline = f"\n  weight: {weight}" if weight is not None else ""
        lines.append(f'indicator "{iid}" {{\n  title: "{iid}"\n  category: {cat}\n  severity: {sev}{wline}\n  when: {when}\n}}')
        w = Fraction(str(weight)) if weight is not None else Fraction(DEFAULT_W[sev])
        weights.append((w, verdict))
        exp_inds.append({"id": iid, "category": cat, "severity": sev, "weight": float(w),
                         "verdict": verdict,
                         "witnesses": [{"kind": k, "index": i} for k, i in sorted(wits)]})
    exp_inds.sort(key=lambda d: d["id"].encode())
    total_w = sum(w for w, _ in weights)
    failed_w = sum(w for w, v in weights if v == "fail")
    open_w = sum(w for w, v in weights if v != "pass")
    count = lambda v: sum(1 for _, x in weights if x == v)
    summary = {"total": len(weights), "failed": count("fail"), "passed": count("pass"),
               "inconclusive": count("inconclusive"), "risk": risk(failed_w, total_w),
               "risk_upper": risk(open_w, total_w)}
    cat_rows = []
    for cid, title in sorted(cats, key=lambda c: c[0].encode()):
        mine = [d for d in exp_inds if d["category"] == cid]
        cat_rows.append({"id": cid, "title": title, "total": len(mine),
                         "failed": sum(d["verdict"] == "fail" for d in mine),
                         "passed": sum(d["verdict"] == "pass" for d in mine),
                         "inconclusive": sum(d["verdict"] == "inconclusive" for d in mine)})
    expected = {"app": evidence["app"], "pack": {"name": f"case_{n}", "version": "1"}, "summary": summary,
                "categories": cat_rows, "indicators": exp_inds}
    if warnings is not None:
        expected["$warnings"] = warnings
    d = os.path.join(ROOT, f"{n:02d}-{name}")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "pack.ind"), "w").write("\n".join(lines) + "\n")
    open(os.path.join(d, "evidence.json"), "w").write(json.dumps(evidence, indent=2) + "\n")
    open(os.path.join(d, "expected.json"), "w").write(json.dumps(expected, indent=2) + "\n")
    if params:
        open(os.path.join(d, "params.txt"), "w").write("\n".join(params) + "\n")

def ev(facts=None, collected=None, app=None):
    e = {"app": app or {"id": "com.example.case"}}
    if collected is not None:
        e["collected"] = collected
    e["facts"] = facts or {}
    return e

F, P, I = "fail", "pass", "inconclusive"
U = "unknown"
# 1-3: connectives with unknowns
case(1, "and-truth-table", [
    ("A-TT", "true and true", F, []), ("A-TU", "true and unknown", I, []), ("A-TF", "true and false", P, []),
    ("A-UT", "unknown and true", I, []), ("A-UU", "unknown and unknown", I, []), ("A-UF", "unknown and false", P, []),
    ("A-FT", "false and true", P, []), ("A-FU", "false and unknown", P, []), ("A-FF", "false and false", P, [])],
    ev(), note="Kleene `and`: false wins, then unknown")
case(2, "or-truth-table", [
    ("O-TT", "true or true", F, []), ("O-TU", "true or unknown", F, []), ("O-TF", "true or false", F, []),
    ("O-UT", "unknown or true", F, []), ("O-UU", "unknown or unknown", I, []), ("O-UF", "unknown or false", I, []),
    ("O-FT", "false or true", F, []), ("O-FU", "false or unknown", I, []), ("O-FF", "false or false", P, [])],
    ev(), note="Kleene `or`: true wins, then unknown")
case(3, "not-and-nesting", [
    ("N-T", "not true", P, []), ("N-F", "not false", F, []), ("N-U", "not unknown", I, []),
    ("N-NN", "not not unknown", I, []), ("N-DM", "not (unknown and false)", F, []),
    ("N-OR", "not (unknown or false)", I, [])], ev(), note="`not` and nesting")
# 4-5: quantifiers on empty and unobserved kinds
case(4, "quantifiers-empty-observed", [
    ("Q-ANY", "any flow", P, []), ("Q-ANYW", "any flow where port == 80", P, []),
    ("Q-ALL", "all flow where port == 80", F, []), ("Q-NONE", "none flow", F, []),
    ("Q-CNT0", "count(flow) == 0", F, []), ("Q-CNT1", "count(flow where tls) >= 1", P, [])],
    ev(collected=["flow"]), note="an observed kind with no facts is an empty set")
case(5, "quantifiers-unobserved", [
    ("U-ANY", "any behavior", I, []), ("U-ALL", "all behavior where kind == \"x\"", I, []),
    ("U-NONE", "none behavior", I, []), ("U-CNT", "count(behavior) >= 0", I, []),
    ("U-OBS", "observed(behavior)", P, []), ("U-OR", "any behavior or any permission", F, [("permission", 0)])],
    ev(facts={"permission": [{"name": "android.permission.CAMERA"}]}),
    note="quantifiers and counts over an unobserved kind are unknown, even count >= 0")
# 6-9: any/all/none with unknown bodies
case(6, "any-unknown-body", [
    ("AU-1", "any flow where port == 80", I, []), ("AU-2", "any flow where port == 443", F, [("flow", 1)]),
    ("AU-3", "any flow where (has port and port == 80)", P, [])],
    ev(facts={"flow": [{"host": "a"}, {"host": "b", "port": 443}]}), note="any: true beats unknown beats false")
case(7, "any-witnesses-every-true-fact", [
    ("AW-1", "any flow where tls == false", F, [("flow", 0), ("flow", 2)]),
    ("AW-2", "any flow", F, [("flow", 0), ("flow", 1), ("flow", 2), ("flow", 3)])],
    ev(facts={"flow": [{"host": "a", "tls": False}, {"host": "b", "tls": True}, {"host": "c", "tls": False}, {"host": "d"}]}),
    note="a true any takes every fact whose where is true; without where, every fact")
case(8, "all-semantics", [
    ("AL-1", "all flow where tls", I, []), ("AL-2", "all flow where (host != \"zzz\")", F, []),
    ("AL-3", "all flow where (tls or host == \"d\")", F, []), ("AL-4", "all flow where host == \"a\"", P, [])],
    ev(facts={"flow": [{"host": "a", "tls": True}, {"host": "b", "tls": True}, {"host": "d"}]}),
    note="all: false beats unknown beats true; a true all gives no witness")
case(9, "none-semantics", [
    ("NO-1", "none flow where port == 80", P, []), ("NO-2", "none flow where port == 8080", I, []),
    ("NO-3", "none flow where host == \"zzz\"", F, [])],
    ev(facts={"flow": [{"host": "a", "port": 80}, {"host": "b"}]}), note="none is not any; a true none gives no witness")
# 10-13: count intervals
case(10, "count-interval-comparisons", [
    ("C-EQ2", "count(flow where tls == false) == 2", I, []), ("C-EQ1", "count(flow where tls == false) == 1", I, []),
    ("C-NE5", "count(flow where tls == false) != 5", F, []), ("C-LT4", "count(flow where tls == false) < 4", F, []),
    ("C-LT1", "count(flow where tls == false) < 1", P, []), ("C-LE1", "count(flow where tls == false) <= 1", I, []),
    ("C-GT0", "count(flow where tls == false) > 0", F, [("flow", 0)]),
    ("C-GE4", "count(flow where tls == false) >= 4", P, []),
    ("C-GE1", "count(flow where tls == false) >= 1", F, [("flow", 0)])],
    ev(facts={"flow": [{"host": "a", "tls": False}, {"host": "b"}, {"host": "c"}, {"host": "d", "tls": True}]}),
    note="count(flow where tls == false) is [1, 3]")
case(11, "count-exact-interval", [
    ("CE-EQ", "count(flow where tls) == 2", F, []), ("CE-NE", "count(flow where tls) != 2", P, []),
    ("CE-LE", "count(flow where tls) <= 2", F, []), ("CE-GT", "count(flow where tls) > 1", F, [("flow", 0), ("flow", 2)]),
    ("CE-FLIP", "1 < count(flow where tls)", F, [("flow", 0), ("flow", 2)]),
    ("CE-FLIPLE", "2 >= count(flow where tls)", F, []), ("CE-ALL", "count(flow) == 3", F, [])],
    ev(facts={"flow": [{"host": "a", "tls": True}, {"host": "b", "tls": False}, {"host": "c", "tls": True}]}),
    note="a degenerate interval [2, 2]; witnesses only for count > n and count >= n (either side)")
case(12, "count-float-threshold", [
    ("CF-1", "count(flow where port == 80) > limit", F, [("flow", 0), ("flow", 1)]),
    ("CF-2", "count(flow where port == 80) < limit", P, []),
    ("CF-3", "count(flow where port == 80) >= half", F, [("flow", 0), ("flow", 1)]),
    ("CF-4", "count(flow where port == 80) == two", F, [])],
    ev(facts={"flow": [{"host": "a", "port": 80}, {"host": "b", "port": 80}, {"host": "c", "port": 443}]}),
    extra='param limit: float = 1.5\nconst half = 0.5\ndefine two = 2', note="count against float params, consts and numeric defines")
case(13, "count-param-override", [
    ("CP-1", "count(permission) > max_permissions", P, [])],
    ev(facts={"permission": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}),
    extra="param max_permissions: int = 2", params=["max_permissions=3"],
    note="an int param overridden to 3: 3 > 3 is false")
# 14-16: has, missing fields, comparisons
case(14, "has-never-unknown", [
    ("H-1", "any flow where has port", F, [("flow", 1)]), ("H-2", "all flow where has port", P, []),
    ("H-3", "any flow where not has country", F, [("flow", 0), ("flow", 1)]),
    ("H-4", "any flow where has data", P, [])],
    ev(facts={"flow": [{"host": "a", "port": None}, {"host": "b", "port": 1, "data": None}]}),
    note="has is false on a missing or null field, never unknown")
case(15, "missing-field-comparisons", [
    ("M-1", "any flow where port != 80", I, []), ("M-2", "any flow where port < 0", I, []),
    ("M-3", "any flow where country == \"CN\"", I, []), ("M-4", "any flow where (port == 80 or host == \"a\")", F, [("flow", 0)]),
    ("M-5", "any flow where (port == 80 and host == \"b\")", P, [])],
    ev(facts={"flow": [{"host": "a"}]}), note="a missing optional field makes every predicate that reads it unknown")
case(16, "numeric-int-float", [
    ("NUM-1", "any metric where value > 1", F, [("metric", 0)]), ("NUM-2", "any metric where score == 2.0", F, [("metric", 0), ("metric", 1)]),
    ("NUM-3", "any metric where value < -0.5", F, [("metric", 1)]), ("NUM-4", "any metric where score >= 3", P, []),
    ("NUM-5", "any metric where value == 1.5", F, [("metric", 0)]), ("NUM-6", "any metric where score != 2", P, [])],
    ev(facts={"metric": [{"value": 1.5, "score": 2}, {"value": -1, "score": 2}]}),
    note="int and float compare numerically; a float field takes a JSON integer")
case(17, "big-int-float-compare", [
    ("BIG-1", "any metric where score > 9007199254740992.0", F, [("metric", 0)]),
    ("BIG-2", "any metric where score == 9007199254740992.0", P, [])],
    ev(facts={"metric": [{"score": 9007199254740993}]}),
    note="2^53 + 1 is greater than the float 2^53: compare exactly, not through a lossy cast")
# 18-21: in, not in, intersects
case(18, "in-lists", [
    ("IN-1", "any flow where country in restricted", F, [("flow", 0)]),
    ("IN-2", "any flow where country not in restricted", F, [("flow", 1)]),
    ("IN-3", "any flow where port in [80, 8080]", P, []), ("IN-4", "any flow where host in []", P, []),
    ("IN-5", "any flow where \"location\" in data", F, [("flow", 0)]),
    ("IN-6", "any flow where \"sms\" in data", I, [])],
    ev(facts={"flow": [{"host": "a", "country": "CN", "port": 443, "data": ["location"]},
                       {"host": "b", "country": "US", "port": 443, "data": None},
                       {"host": "c", "port": 443, "data": []}]}),
    extra='const restricted = ["CN", "HK", "MO"]', note="in and not in with a const, a literal, [] and a list field")
case(19, "in-list-param-override", [
    ("LP-1", "any flow where country in watched", F, [("flow", 1)]),
    ("LP-2", "any flow where host == target", F, [("flow", 0)])],
    ev(facts={"flow": [{"host": "x.example", "country": "US"}, {"host": "y.example", "country": "RU"}]}),
    extra='param watched: [string] = ["CN"]\nparam target: string = "nowhere"',
    params=['watched=["RU", "KP"]', 'target=x.example'], note="a list param and a string param overridden")
case(20, "intersects", [
    ("X-1", "any flow where data intersects sensitive", F, [("flow", 0)]),
    ("X-2", "any flow where data intersects [\"face\"]", I, []),
    ("X-3", "any flow where (has data and data intersects [\"face\"])", P, []),
    ("X-4", "any metric where tags intersects [2.0, 9.5]", F, [("metric", 0)]),
    ("X-5", "any metric where weights intersects [1]", F, [("metric", 0)]),
    ("X-6", "any metric where tags intersects []", P, [])],
    ev(facts={"flow": [{"host": "a", "data": ["location", "device_id"]}, {"host": "b", "data": []}, {"host": "c"}],
              "metric": [{"tags": [1, 2], "weights": [1.0, 0.5]}]}),
    extra='const sensitive = ["contacts", "location"]', note="intersects: true, false, unknown on a missing list, int/float mix")
case(21, "in-numeric-mix", [
    ("NM-1", "any metric where score in [1.0, 2.5]", F, [("metric", 0)]),
    ("NM-2", "any metric where value in [1, 2]", F, [("metric", 0)]),
    ("NM-3", "any metric where 2 in tags", F, [("metric", 0)]),
    ("NM-4", "any metric where 0.5 in weights", F, [("metric", 0)])],
    ev(facts={"metric": [{"score": 1, "value": 2.0, "tags": [2], "weights": [0.5]}]}),
    note="in mixes int and float numerically")
# 22-24: patterns
case(22, "matches-regex", [
    ("RE-1", "any flow where host matches \"(ads|track)\\\\.\"", F, [("flow", 0)]),
    ("RE-2", "any flow where host matches \"^cdn\"", F, [("flow", 1)]),
    ("RE-3", "any flow where country matches \"N\"", I, []),
    ("RE-4", "any flow where host matches \"ADS\"", P, [])],
    ev(facts={"flow": [{"host": "x.ads.example"}, {"host": "cdn.example", "country": "US"}, {"host": "z"}]}),
    note="matches is an unanchored, case-sensitive search; a missing field is unknown")
case(23, "like-glob", [
    ("G-1", "any flow where host like \"*.example.cn\"", F, [("flow", 0)]),
    ("G-2", "any flow where host like \"api.?\"", F, [("flow", 2)]),
    ("G-3", "any flow where host like \"example\"", P, []),
    ("G-4", "any flow where host like \"*.EXAMPLE.CN\"", P, []),
    ("G-5", "any flow where host like \"a.b+c*\"", F, [("flow", 3)])],
    ev(facts={"flow": [{"host": "api.example.cn"}, {"host": "example.cn"}, {"host": "api.é"}, {"host": "a.b+c(d)"}]}),
    note="like is anchored and case-sensitive; ? is one character; other characters are literal")
case(24, "like-multiline", [
    ("GM-1", "any behavior where detail like \"a*b\"", F, [("behavior", 0)]),
    ("GM-2", "any behavior where detail like \"a?b\"", F, [("behavior", 0)])],
    ev(facts={"behavior": [{"kind": "x", "detail": "a\nb"}]}),
    note="* and ? match any character, a line break included")
# 25-29: binders and nested quantifiers
case(25, "binders-outer-witnesses", [
    ("B-1", "any f in flow where (any s in sdk where (s.country == f.country))", F, [("flow", 0)]),
    ("B-2", "any f in flow where (any s in sdk where (id == f.sdk and kind == \"ads\"))", F, [("flow", 1)]),
    ("B-3", "any s in sdk where (s.kind == \"analytics\" and (none f in flow where f.sdk == s.id))", I, [])],
    ev(facts={"flow": [{"host": "a", "country": "CN", "sdk": "umeng"}, {"host": "b", "country": "IE", "sdk": "ads1"}, {"host": "c"}],
              "sdk": [{"id": "umeng", "kind": "analytics", "country": "CN"}, {"id": "fb", "kind": "analytics", "country": "US"}, {"id": "ads1", "kind": "ads"}]}),
    note="binders: witnesses come from the outer quantifier only")
case(26, "nested-invariant-quantifier", [
    ("NI-1", "any flow where (port == 80 and any permission where name == \"INTERNET\")", F, [("flow", 0)]),
    ("NI-2", "any flow where (port == 80 and any behavior)", I, []),
    ("NI-3", "all flow where (any permission)", F, [])],
    ev(facts={"flow": [{"host": "a", "port": 80}, {"host": "b", "port": 443}], "permission": [{"name": "INTERNET"}]}),
    note="an inner quantifier that reads no outer fact; an inner one over an unobserved kind")
case(27, "count-with-binder", [
    ("CB-1", "any f in flow where (count(s in sdk where s.id == f.sdk) >= 1)", F, [("flow", 0)]),
    ("CB-2", "count(f in flow where (any s in sdk where s.id == f.sdk)) >= 2", I, [])],
    ev(facts={"flow": [{"host": "a", "sdk": "x"}, {"host": "b"}, {"host": "c", "sdk": "zzz"}],
              "sdk": [{"id": "x"}, {"id": "y"}]}),
    note="count inside a quantifier reading the outer binder; a count of flows matched by an sdk: [1, 2]")
case(28, "all-inside-any", [
    ("AA-1", "any f in flow where (all s in sdk where s.country != f.country)", F, [("flow", 1)]),
    ("AA-2", "all f in flow where (any s in sdk where s.country == f.country)", P, [])],
    ev(facts={"flow": [{"host": "a", "country": "CN"}, {"host": "b", "country": "TW"}],
              "sdk": [{"id": "x", "country": "CN"}, {"id": "y", "country": "US"}]}),
    note="all nested in any and the reverse")
case(29, "inner-name-shadows-outer-field", [
    ("SH-1", "any f in flow where (any s in sdk where (country == \"CN\" and f.country == \"US\"))", F, [("flow", 0)])],
    ev(facts={"flow": [{"host": "a", "country": "US"}, {"host": "b", "country": "CN"}],
              "sdk": [{"id": "x", "country": "CN"}]}),
    note="a bare name is the innermost quantifier's field: `country` is the sdk's")
# 30-33: defines, observed, unknown
case(30, "defines-and-witnesses", [
    ("D-1", "reads_contacts", F, [("permission", 1)]), ("D-2", "reads_contacts and sends_contacts", F, [("flow", 0), ("permission", 1)]),
    ("D-3", "not reads_contacts", P, []), ("D-4", "either", F, [("flow", 0), ("permission", 1)])],
    ev(facts={"permission": [{"name": "android.permission.INTERNET"}, {"name": "android.permission.READ_CONTACTS"}],
              "flow": [{"host": "a", "data": ["contacts"]}]}),
    extra='define reads_contacts = any permission where name == "android.permission.READ_CONTACTS"\n'
          'define sends_contacts = any flow where "contacts" in data\n'
          'define either = reads_contacts or sends_contacts',
    note="witnesses go through define bodies and both true sides of or; not stops")
case(31, "observed-kinds", [
    ("OB-1", "observed(permission)", F, []), ("OB-2", "observed(flow)", F, []), ("OB-3", "observed(behavior)", P, []),
    ("OB-4", "not observed(behavior) and any permission", F, [("permission", 0)]), ("OB-5", "observed(sdk)", F, [])],
    ev(facts={"permission": [{"name": "x"}], "sdk": []}, collected=["flow"]),
    note="observed: listed in facts (even empty) or in collected; never unknown")
case(32, "unknown-operand", [
    ("UK-1", "unknown", I, []), ("UK-2", "unknown or any permission", F, [("permission", 0)]),
    ("UK-3", "(any finding where (check == \"no_data_export\" and failed)) or ((none finding where check == \"no_data_export\") and unknown)", I, []),
    ("UK-4", "(any finding where (check == \"forced_consent\" and failed)) or ((none finding where check == \"forced_consent\") and unknown)", F, [("finding", 1)]),
    ("UK-5", "(any finding where (check == \"no_account_deletion\" and failed)) or ((none finding where check == \"no_account_deletion\") and unknown)", P, [])],
    ev(facts={"permission": [{"name": "x"}], "finding": [{"check": "no_account_deletion", "failed": False}, {"check": "forced_consent", "failed": True}]}),
    note="the unknown operand: no conclusion on purpose")
case(33, "bool-fields", [
    ("BO-1", "any flow where tls", F, [("flow", 0)]), ("BO-2", "any flow where tls == false", I, []),
    ("BO-3", "any flow where not tls", I, []), ("BO-4", "any flow where tls != true", I, []),
    ("BO-5", "any finding where failed", P, [])],
    ev(facts={"flow": [{"host": "a", "tls": True}, {"host": "b"}], "finding": [{"check": "x", "failed": False}]}),
    note="a bool field as a predicate; a missing one is unknown")
case(34, "comparing-unknown-bools", [
    ("CU-1", "(any behavior) == false", I, []), ("CU-2", "(any permission) == true", F, []),
    ("CU-3", "(any permission where name == \"z\") != true", F, [])],
    ev(facts={"permission": [{"name": "a"}]}),
    note="a comparison with an unknown bool is unknown; a true comparison is a predicate: no witnesses")
# 35-40: scoring and report shape
case(35, "risk-rounding-1-of-16", [("R-%02d" % i, "true" if i == 1 else "false", F if i == 1 else P, [], "low") for i in range(1, 17)],
    ev(), note="100 × 1/16 = 6.25 rounds half away from zero to 6.3")
case(36, "decimal-weights", [
    ("W-1", "true", F, [], "low", "0.1"), ("W-2", "false", P, [], "low", "0.2"), ("W-3", "unknown", I, [], "low", "0.05")],
    ev(), note="weights 0.1, 0.2, 0.05: risk 100 × 0.1/0.35 = 28.571 → 28.6; upper 100 × 0.15/0.35 = 42.857 → 42.9")
case(37, "severity-default-weights", [
    ("S-1", "true", F, [], "low"), ("S-2", "unknown", I, [], "medium"), ("S-3", "false", P, [], "high"), ("S-4", "true", F, [], "critical")],
    ev(), note="default weights 1, 2, 3, 5: risk 6/11 = 54.5, upper 8/11 = 72.7")
case(38, "categories-and-id-order", [
    ("A-10", "true", F, [], "low", None, "zeta"), ("A-2", "false", P, [], "low", None, "alpha"),
    ("B-1", "unknown", I, [], "low", None, "zeta"), ("a-1", "true", F, [], "low", None, "alpha")],
    ev(), categories=[("zeta", "Zeta"), ("alpha", "Alpha"), ("empty", "No indicators"), ("Upper", "Upper case first")],
    note="categories and indicators sorted by id in byte order; a category without indicators is reported")
case(39, "no-indicators", [], ev(), note="a pack without indicators: total 0, risk 0")
case(40, "zero-weight-sum-not-possible", [("Z-1", "false", P, [], "low", "0.5")], ev(), note="all pass")
# 41-45: evidence handling in reports
case(41, "warnings-and-app-copy", [("WA-1", "any flow", F, [("flow", 0), ("flow", 1)])],
    ev(facts={"flow": [{"host": "a", "extra_field": 1}, {"host": "b", "extra_field": 2, "other": True}], "gadget": [{"x": 1}]},
       collected=["flow", "telemetry"],
       app={"id": "com.example.app", "name": "App", "nested": {"list": [1, 2, {"k": None}]}, "version": "1.0"}),
    warnings=4, note="undeclared kind (facts and collected) and fields: one warning per kind or per kind and field; app copied")
case(42, "witness-dedup-and-order", [
    ("WD-1", "any permission where name == \"a\" or any flow where host == \"x\" or any permission where (name == \"a\" or name == \"b\")", F,
     [("flow", 0), ("permission", 0), ("permission", 2)])],
    ev(facts={"permission": [{"name": "a"}, {"name": "c"}, {"name": "b"}], "flow": [{"host": "x"}]}),
    note="witnesses sorted by kind name then index, without repeats")
case(43, "and-witnesses-both-sides", [
    ("AW-1", "any permission where name == \"a\" and any flow where host == \"x\"", F, [("flow", 0), ("permission", 0)]),
    ("AW-2", "any permission where name == \"a\" and not any flow where host == \"y\"", F, [("permission", 0)]),
    ("AW-3", "(any permission where name == \"a\") == true", F, [])],
    ev(facts={"permission": [{"name": "a"}], "flow": [{"host": "x"}]}),
    note="a true and takes witnesses from both sides; not and comparisons stop the walk")
case(44, "list-field-in-binder", [
    ("LB-1", "any f in flow where (any d in datum where d.type in f.data)", F, [("flow", 0)])],
    ev(facts={"flow": [{"host": "a", "data": ["location"]}, {"host": "b", "data": ["sms"]}],
              "datum": [{"type": "location"}]}),
    note="an outer list field on the right of in")
case(45, "string-escapes-in-literals", [
    ("SE-1", "any behavior where detail == \"tab\\tquote\\\"nl\\nu\\u{e9}\"", F, [("behavior", 0)])],
    ev(facts={"behavior": [{"kind": "k", "detail": "tab\tquote\"nl\nu\u00e9"}]}),
    note="escapes in rule strings equal the evidence's decoded strings")
