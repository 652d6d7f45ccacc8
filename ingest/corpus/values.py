"""Random figures for a statistical form that satisfy its declared rules.

Only `ingest.forms` is read: leaves (keys that are no rule's total) are drawn at
random, totals are summed, and totals stated by several rules (the 2019+ request
balance: 一+二 = 三(七)+四) are reconciled by topping up a leaf of the smaller side
before anything is summed from it. `le` rules raise their total to the largest part.
The order of these steps depends only on the form, so it is planned once per form.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ingest.forms import Form, Rule, load_forms

MONEY_UNITS = frozenset({"万元", "元"})
# Typical size of a figure by unit: information items run to thousands, requests to tens.
UNIT_SCALE = {"条": 2000, "件": 30, "次": 20, "人": 30, "人次": 200, "个": 10, "篇": 100, "项": 50}


@dataclass(frozen=True, slots=True)
class KeySpec:
    """How to draw one leaf: its unit and whether the form allows negatives."""

    unit: str = "件"
    signed: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    total: str
    rules: tuple[tuple[tuple[str, ...], str | None], ...]  # (parts, leaf topped up to balance)


@dataclass(frozen=True, slots=True)
class Plan:
    leaves: tuple[str, ...]
    bounds: tuple[tuple[str, tuple[str, ...]], ...]  # le rules between leaves: (total, parts)
    steps: tuple[Step, ...]


def draw_leaf(rng: random.Random, spec: KeySpec, scale: int = 30) -> float:
    if spec.signed:
        return float(rng.randint(-20, 20))
    u = rng.random()
    if spec.unit in MONEY_UNITS:
        return 0.0 if u < 0.4 else round(rng.uniform(0, 50 if u < 0.8 else 5000), rng.choice([0, 1, 2]))
    scale = UNIT_SCALE.get(spec.unit, scale)
    if u < 0.4:
        return 0.0
    if u < 0.7:
        return float(rng.randint(1, 9))
    return float(rng.randint(0, scale if u < 0.9 else scale * 20))


def eq_rules(form: Form) -> list[Rule]:
    """The sum rules figures are drawn to satisfy (implied ones hold by construction)."""
    return [r for r in form.rules if r.op == "eq" and not r.implied]


def rule_holds(rule: Rule, values: dict[str, float], tol: float = 1e-6) -> bool | None:
    """None when a key of the rule has no value."""
    if rule.total not in values or any(p not in values for p in rule.parts):
        return None
    if rule.op == "eq":
        return abs(values[rule.total] - sum(values[p] for p in rule.parts)) <= tol
    return all(values[p] <= values[rule.total] + tol for p in rule.parts)


@lru_cache(maxsize=64)
def plan(form_code: str, keys: frozenset[str]) -> Plan:
    """The order in which to draw and sum a form's figures; ValueError if the rules defeat it."""
    form = load_forms()[form_code]
    rules = eq_rules(form)
    by_total: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_total[rule.total].append(rule)
    all_keys = set(keys) | {k for r in rules for k in (r.total, *r.parts)}
    leaves = tuple(sorted(k for k in all_keys if k not in by_total))
    bounds = tuple((r.total, r.parts) for r in form.rules
                   if r.op == "le" and r.total in leaves and all(p in leaves for p in r.parts))
    shared = {t for t, rs in by_total.items() if len(rs) > 1}
    held_back = {p for t in shared for r in by_total[t] for p in r.parts if p in leaves}
    final = set(leaves) - held_back
    steps: list[Step] = []
    progress = True
    while progress:
        progress = False
        for total, rs in by_total.items():
            if total in final:
                continue
            if total not in shared:
                if all(p in final for p in rs[0].parts):
                    steps.append(Step(total, ((rs[0].parts, None),)))
                    final.add(total)
                    progress = True
                continue
            if not all(p in final or p in held_back for r in rs for p in r.parts):
                continue
            balanced = []
            for r in rs:
                leaf = next((p for p in r.parts if p in held_back), None)
                if leaf is None:
                    raise ValueError(f"{form.code}: cannot balance rule {r.name}")
                balanced.append((r.parts, leaf))
            steps.append(Step(total, tuple(balanced)))
            final.add(total)
            final.update(p for r in rs for p in r.parts)
            progress = True
    missing = all_keys - final
    if missing:
        raise ValueError(f"{form.code}: rules leave {sorted(missing)[:5]} undetermined")
    return Plan(leaves, bounds, tuple(steps))


def solve_values(form: Form, keys: set[str] | frozenset[str], specs: dict[str, KeySpec],
                 rng: random.Random) -> dict[str, float]:
    """A value for every key of `keys` and of the form's eq rules, satisfying all rules."""
    p = plan(form.code, frozenset(keys))
    default = KeySpec()
    values = {k: draw_leaf(rng, specs.get(k, default)) for k in p.leaves}
    for total, parts in p.bounds:
        values[total] = max(values[total], *(values[q] for q in parts))
    for step in p.steps:
        sums = [sum(values[q] for q in parts) for parts, _ in step.rules]
        target = max(sums)
        for (_, leaf), s in zip(step.rules, sums, strict=True):
            if leaf is not None and target - s > 1e-9:
                values[leaf] = round(values[leaf] + target - s, 6)
        values[step.total] = round(target, 6)
    return values


def check_values(form: Form, values: dict[str, float]) -> list[str]:
    """Names of the form's rules the values break (empty when all hold or cannot be checked)."""
    return [r.name for r in form.rules if rule_holds(r, values) is False]
