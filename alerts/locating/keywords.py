"""Read the operator-edited keyword lists from `config/keywords/`.

Every `*.yaml` in the folder is a language's list, except `severity.yaml`, which
holds the severity rules. Reading is kept here so the classifier stays pure and
is tested on dictionaries; this module only turns files into those dictionaries
and names the file in every error, since an operator fixing a list needs to
know which of six files to open.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from alerts.locating.domain.threats import (
    KeywordListError,
    KeywordLists,
    build_keyword_lists,
    parse_severity,
)

SEVERITY_FILE = "severity.yaml"


def _read_yaml(path: Path) -> object:
    """The parsed document. Raises KeywordListError naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KeywordListError([f"{path}: not UTF-8 text; save the file as UTF-8"]) from None
    except OSError as error:
        raise KeywordListError([f"{path}: cannot be read ({error.strerror})"]) from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise KeywordListError([f"{path}:{where}: {problem}"]) from None
    if document is None:
        # An empty file is most likely a truncated copy: refuse rather than run with no words.
        raise KeywordListError([f"{path}: the file is empty"])
    return document


def load_keyword_lists(directory: Path) -> KeywordLists:
    """All language lists of `directory` and its severity rules, validated together.

    Raises KeywordListError listing every problem, each starting with its file.
    """
    if not directory.is_dir():
        raise KeywordListError([f"{directory}: no such keyword folder"])
    severity_path = directory / SEVERITY_FILE
    if not severity_path.is_file():
        raise KeywordListError([f"{severity_path}: missing; it sets the severity of each type"])
    language_paths = sorted(p for p in directory.glob("*.yaml") if p.name != SEVERITY_FILE)
    if not language_paths:
        raise KeywordListError([f"{directory}: no keyword lists (*.yaml) found"])

    problems: list[str] = []
    documents: dict[str, object] = {}
    for path in language_paths:
        try:
            documents[str(path)] = _read_yaml(path)
        except KeywordListError as error:
            problems.extend(error.problems)
    try:
        severity = parse_severity(_read_yaml(severity_path), str(severity_path))
    except KeywordListError as error:
        problems.extend(error.problems)
    if problems:
        raise KeywordListError(problems)
    return build_keyword_lists(documents, severity)
