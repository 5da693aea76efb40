"""A configured dataset's settings as a read needs them: found by name in its workspace, its
correction and label questions, and the keys of the configuration that name nothing of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from data.config import DatasetConfig
from data.errors import ErrorKind, SourceError
from data.model.mismatches import dataset_mismatches
from data.sources.argilla_frames import DatasetSettings
from data.sources.at_once import each

if TYPE_CHECKING:
    import argilla as rg

LABEL_TYPES = frozenset({"label_selection", "multi_label_selection"})  # rg.LabelQuestion and its subclass


def settings_of(client: rg.Argilla, configs: tuple[DatasetConfig, ...]) -> dict[str, DatasetSettings]:
    """These datasets' settings, each found by name in its workspace (the first one when none is
    configured, as the SDK's `client.datasets(name=...)` does): the workspaces and the datasets
    listed once for all of them (two requests), then each one's questions and fields (two more a
    dataset, the datasets at once). The SDK's lookup costs eight requests a dataset (it lists both
    again for each and reads vectors and metadata the board has no use for): on a Space reading
    another Space's Argilla, a cold start's first look waited for them."""
    api = client.api
    workspaces = api.workspaces.list()
    ids = {workspace.name: workspace.id for workspace in workspaces}
    default = workspaces[0].id if workspaces else None
    listed = {(dataset.workspace_id, dataset.name): dataset for dataset in api.datasets.list()}
    datasets = []
    for config in configs:
        dataset = listed.get((ids.get(config.workspace) if config.workspace else default, config.name))
        if dataset is None or dataset.id is None:
            raise SourceError(ErrorKind.MISSING_DATASET, config.name)
        datasets.append(dataset)
    found = each(lambda dataset: (api.questions.list(dataset.id), api.fields.list(dataset.id)), datasets)
    return {
        config.name: _settings(config, dataset, questions, fields)
        for config, dataset, (questions, fields) in zip(configs, datasets, found, strict=True)
    }


def _settings(config: DatasetConfig, dataset: Any, questions: list[Any], fields: list[Any]) -> DatasetSettings:
    """What a read needs of one dataset's settings, from the SDK's API models of the dataset, its
    questions and its fields, checked against `config`."""
    by_name = {question.name: question for question in questions}
    if config.correction_question not in by_name:
        raise SourceError(ErrorKind.MISSING_QUESTION, f"{config.name}.{config.correction_question}")
    label = config.label_question or next(
        (name for name, question in by_name.items() if question.type in LABEL_TYPES), None
    )
    names = [field.name for field in fields]
    return DatasetSettings(
        id=str(dataset.id),
        min_submitted=int(getattr(dataset.distribution, "min_submitted", 1) or 1),
        correction_question_id=str(by_name[config.correction_question].id),
        label_question=label,
        mismatches=tuple(
            dataset_mismatches(config.name, config.reference_field, config.label_question, names, list(by_name))
        ),
    )
