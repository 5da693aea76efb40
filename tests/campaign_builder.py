"""Build a campaign on a real argilla-server through the SDK, and keep the plan as the truth.

The plan (who answered what, with which status, against which reference) is what the tests
compute their expected numbers from, independently of the dashboard's code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import argilla as rg

PASSWORD = "annotator-pass-123"
HOSTILE_USERS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "**negrita** [clic](javascript:alert(1))",
    '=HYPERLINK("http://evil.example","clic")',
    "+SUM(1+1)",
    "-2+3",
    "@cmd",
    "مرحبا 🦙 ñandú",
    "x" * 10_000,
]
LIVE_USERS = ["ana", "beto", "carla", "dani", "eva", "owner", *HOSTILE_USERS]


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    question: str
    reference_field: str | None
    min_submitted: int
    records: int
    label_question: str | None = None
    suggestion_share: float = 0.7


@dataclass
class PlannedResponse:
    dataset: str
    record: str
    user: str
    status: str
    value: str | None
    reference: str | None
    label: str | None = None


@dataclass
class Plan:
    workspace: str
    specs: list[DatasetSpec]
    responses: list[PlannedResponse] = field(default_factory=list)
    records: dict[str, list[str]] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)


def ensure_users(client: rg.Argilla, names: list[str], workspace: rg.Workspace) -> dict[str, rg.User]:
    existing = {user.username: user for user in client.users}
    users = {}
    for name in names:
        user = existing.get(name) or client.users.add(
            rg.User(username=name, password=PASSWORD, role="annotator", client=client)
        )
        if name != "owner":
            try:
                workspace.add_user(user)
            except Exception:  # already a member
                pass
        users[name] = user
    return users


def _variant(reference: str | None, rng: random.Random) -> str | None:
    base = reference or "texto sin referencia"
    return rng.choice(
        [
            base,  # unchanged
            "  " + base.replace(" ", "   ") + "\n",  # whitespace only: not a correction
            base.upper(),  # case change: a correction
            base + ".",  # punctuation: a correction
            "traducción nueva " + str(rng.randint(0, 3)),  # rewritten (sometimes equal across users)
            None,  # no answer to the text question
        ]
    )


def build_campaign(
    client: rg.Argilla,
    workspace_name: str,
    specs: list[DatasetSpec],
    users: list[str],
    seed: int = 7,
    statuses=(("submitted", 0.7), ("discarded", 0.15), ("draft", 0.15)),
) -> Plan:
    rng = random.Random(seed)
    workspace = client.workspaces(workspace_name) or client.workspaces.add(
        rg.Workspace(name=workspace_name, client=client)
    )
    accounts = ensure_users(client, users, workspace)
    plan = Plan(workspace_name, specs, users=list(users))
    status_names, weights = zip(*statuses)
    for spec in specs:
        fields = [rg.TextField(name="en")] + ([rg.TextField(name=spec.reference_field)] if spec.reference_field else [])
        questions = [rg.TextQuestion(name=spec.question, required=True)]
        if spec.label_question:
            questions.append(rg.LabelQuestion(name=spec.label_question, labels=["buena", "mala"], required=False))
        dataset = rg.Dataset(
            name=spec.name,
            workspace=workspace,
            client=client,
            settings=rg.Settings(
                fields=fields, questions=questions, distribution=rg.TaskDistribution(min_submitted=spec.min_submitted)
            ),
        )
        dataset.create()
        records = []
        plan.records[spec.name] = []
        for i in range(spec.records):
            record_id = f"{spec.name}-{i}"
            machine = f"traducción automática número {i}"
            has_suggestion = rng.random() < spec.suggestion_share
            suggestion = machine if has_suggestion else None
            field_value = (machine + " (campo)") if spec.reference_field else None
            reference = suggestion if suggestion is not None else field_value
            fields_values = {"en": f"machine translation {i}"}
            if spec.reference_field:
                fields_values[spec.reference_field] = field_value
            responses = []
            for user in rng.sample(users, k=rng.randint(0, min(4, len(users)))):
                status = rng.choices(status_names, weights)[0]
                value = _variant(reference, rng)
                label = rng.choice(["buena", "mala", None]) if spec.label_question else None
                values = {}
                if value is not None:
                    values[spec.question] = value
                if label is not None:
                    values[spec.label_question] = label
                if value is None and status == "submitted":  # the text question is required
                    value = values[spec.question] = reference or "x"
                responses.extend(
                    rg.Response(question, answer, user_id=accounts[user].id, status=status)
                    for question, answer in values.items()
                )
                if not values:
                    responses.append(rg.Response(spec.question, None, user_id=accounts[user].id, status=status))
                plan.responses.append(PlannedResponse(spec.name, record_id, user, status, value, reference, label))
            suggestions = [rg.Suggestion(spec.question, suggestion)] if suggestion is not None else []
            records.append(rg.Record(id=record_id, fields=fields_values, suggestions=suggestions, responses=responses))
            plan.records[spec.name].append(record_id)
        if records:
            dataset.records.log(records, batch_size=200)
    return plan


def annotator_ready(
    client: rg.Argilla, server, workspace: str, spec: DatasetSpec, annotator: str
) -> tuple[str, list[str]]:
    """One dataset with no responses yet and one annotator of it: (their API key, the record ids)."""
    import httpx

    build_campaign(client, workspace, [spec], [], seed=12)
    ensure_users(client, [annotator], client.workspaces(workspace))
    owner = httpx.Client(base_url=server.api_url, headers={"X-Argilla-Api-Key": server.api_key})
    user = next(u for u in client.users if u.username == annotator)
    dataset = client.datasets(name=spec.name, workspace=workspace)
    items = owner.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()["items"]
    return owner.get(f"/api/v1/users/{user.id}").json()["api_key"], [str(item["id"]) for item in items]
