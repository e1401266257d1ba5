import shutil
from pathlib import Path

import pytest

from alerts.locating.domain.threats import KeywordListError
from alerts.locating.keywords import load_keyword_lists

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "config" / "keywords"


def copy_of_real_lists(tmp_path: Path) -> Path:
    folder = tmp_path / "keywords"
    shutil.copytree(REAL, folder)
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(KeywordListError) as caught:
        load_keyword_lists(folder)
    return caught.value.problems


def test_loads_every_language_of_the_real_folder() -> None:
    lists = load_keyword_lists(REAL)
    assert {"*uawa", "tué*", "killed", "*bomi", "akui", "katulu"} <= {
        word for words in lists.keywords.values() for word in words
    }
    assert lists.numbers["kumi"] == lists.numbers["dix"] == lists.numbers["zomi"] == 10


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = copy_of_real_lists(tmp_path)
    (folder / "sw.yaml").write_text("killing:\n  - wameuawa\n  - [unclosed\n", encoding="utf-8")
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'sw.yaml'}: line 4")


def test_bad_key_and_entry_name_file_and_key(tmp_path: Path) -> None:
    folder = copy_of_real_lists(tmp_path)
    (folder / "fr.yaml").write_text("kiling:\n  - tués\nattack:\n  - 42\n", encoding="utf-8")
    problems = problems_of(folder)
    assert any(p.startswith(f"{folder / 'fr.yaml'}: kiling: unknown key") for p in problems)
    assert f"{folder / 'fr.yaml'}: attack[0]: expected text, got int" in problems


def test_every_broken_file_is_reported_at_once(tmp_path: Path) -> None:
    folder = copy_of_real_lists(tmp_path)
    (folder / "ln.yaml").write_text("", encoding="utf-8")
    (folder / "sg.yaml").write_bytes(b"killing:\n  - \xff\xfe\n")
    (folder / "severity.yaml").write_text("base: {}\n", encoding="utf-8")
    problems = problems_of(folder)
    assert f"{folder / 'ln.yaml'}: the file is empty" in problems
    assert f"{folder / 'sg.yaml'}: not UTF-8 text; save the file as UTF-8" in problems
    assert any(p.startswith(f"{folder / 'severity.yaml'}: base.killing") for p in problems)


def test_missing_folder_or_severity_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such keyword folder"]
    folder = copy_of_real_lists(tmp_path)
    (folder / "severity.yaml").unlink()
    assert problems_of(folder)[0].startswith(f"{folder / 'severity.yaml'}: missing")
    for path in folder.glob("*.yaml"):
        path.unlink()
    (folder / "severity.yaml").write_text((REAL / "severity.yaml").read_text(), encoding="utf-8")
    assert problems_of(folder) == [f"{folder}: no keyword lists (*.yaml) found"]


def test_an_operator_edit_takes_effect_without_code(tmp_path: Path) -> None:
    folder = copy_of_real_lists(tmp_path)
    with (folder / "sw.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  themanini: 80\n")  # appended to the numbers mapping at the end of the file
    assert load_keyword_lists(folder).numbers["themanini"] == 80
