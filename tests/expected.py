"""Expected numbers computed straight from a campaign plan, with plain Python and the README's
definitions, independently of the dashboard's pandas code."""

from __future__ import annotations

from collections import defaultdict


def norm(text):
    return " ".join(text.split()) if isinstance(text, str) else ""


def is_correction(planned) -> bool:
    return (
        planned.status == "submitted" and norm(planned.value) != "" and norm(planned.value) != norm(planned.reference)
    )


def per_user(plan, exclude=()):
    stats = defaultdict(lambda: {"validations": 0, "corrections": 0, "discarded": 0, "datasets": set()})
    for r in plan.responses:
        if r.user in exclude or r.status == "draft":
            continue
        s = stats[r.user]
        if r.status == "submitted":
            s["validations"] += 1
            s["datasets"].add(r.dataset)
            s["corrections"] += is_correction(r)
        else:
            s["discarded"] += 1
    return {user: {**s, "datasets": len(s["datasets"])} for user, s in stats.items()}


def competition_ranks(stats):
    values = sorted((s["validations"] for s in stats.values()), reverse=True)
    return {user: values.index(s["validations"]) + 1 for user, s in stats.items()}


def per_dataset(plan):
    mins = {spec.name: spec.min_submitted for spec in plan.specs}
    submitted = defaultdict(int)
    per_record = defaultdict(int)
    for r in plan.responses:
        if r.status == "submitted":
            submitted[r.dataset] += 1
            per_record[(r.dataset, r.record)] += 1
    out = {}
    for name, records in plan.records.items():
        completed = sum(per_record[(name, rec)] >= mins[name] for rec in records)
        out[name] = {
            "total": len(records),
            "completed": completed,
            "pending": len(records) - completed,
            "submitted": submitted[name],
        }
    return out
