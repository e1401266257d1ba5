"""docs/audit_verify.py, the evaluator's script, against proofs the log makes.

Run as an evaluator would run it (a subprocess, exit status and output), and
in-process for the bulk comparison with the log's own checks.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from alerts.timeline.domain.evidence import prove_consistency, prove_inclusion
from alerts.timeline.domain.merkle import MemoryTree, leaf_hash
from alerts.timeline.domain.tree_head import public_key_base64, sign_tree_head
from tests.timeline.domain.sample_log import SampleLog, sample_log

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "audit_verify.py"


# Built at import: the tables of tampered documents below are test parameters.
LOG = sample_log(40)


@pytest.fixture
def log() -> SampleLog:
    return LOG


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_verify", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Case:
    """The files an evaluator holds, written where the script can read them."""

    def __init__(self, folder: Path, log: SampleLog) -> None:
        self.folder = folder
        self.key = public_key_base64(log.key.public_key())

    def write(self, name: str, document: object) -> str:
        path = self.folder / name
        path.write_text(json.dumps(document), encoding="utf-8")
        return str(path)

    def inclusion_args(self, anchor: object, proof: object) -> list[str]:
        return [
            "inclusion",
            f"--key={self.key}",
            f"--anchor={self.write('anchor.json', anchor)}",
            f"--proof={self.write('inclusion.json', proof)}",
        ]

    def consistency_args(self, earlier: object, later: object, proof: object) -> list[str]:
        return [
            "consistency",
            f"--key={self.key}",
            f"--earlier={self.write('earlier.json', earlier)}",
            f"--later={self.write('later.json', later)}",
            f"--proof={self.write('consistency.json', proof)}",
        ]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60
    )


def inclusion_of(log: SampleLog, index: int, size: int) -> dict[str, object]:
    return prove_inclusion(log.tree, index, size, log.leaves[index]).to_json()


def test_the_script_uses_nothing_but_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    roots = {name.split(".")[0] for name in imported}
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}


def test_a_genuine_inclusion_proof_passes(tmp_path: Path, log: SampleLog) -> None:
    case = Case(tmp_path, log)
    result = run(case.inclusion_args(log.anchor(13).to_json(), inclusion_of(log, 7, 13)))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("OK: leaf 7 is in the tree of 13 leaves signed at 2026-03-01T")


def test_a_genuine_consistency_proof_passes(tmp_path: Path, log: SampleLog) -> None:
    case = Case(tmp_path, log)
    proof = prove_consistency(log.tree, 13, 40).to_json()
    result = run(case.consistency_args(log.anchor(13).to_json(), log.anchor(40).to_json(), proof))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("OK: the tree of 40 leaves extends the tree of 13")


def altered(document: Mapping[str, object], **changes: object) -> dict[str, object]:
    return {**document, **changes}


def flipped(hex_hash: object) -> str:
    value = bytes.fromhex(str(hex_hash))
    return (bytes([value[0] ^ 1]) + value[1:]).hex()


def inclusion_failures(log: SampleLog) -> list[tuple[str, object, object, str]]:
    anchor, proof = log.anchor(13).to_json(), inclusion_of(log, 7, 13)
    path = list(proof["audit_path"])  # type: ignore[call-overload]
    edited = str(proof["leaf"]).replace("R8", "R9")
    stranger = sign_tree_head(log.anchor(13).head, Ed25519PrivateKey.generate()).to_json()
    return [
        ("edited leaf", anchor, altered(proof, leaf=edited), "leaf_hash is not SHA-256"),
        (
            "edited leaf, rehashed",
            anchor,
            altered(proof, leaf=edited, leaf_hash=leaf_hash(edited.encode()).hex()),
            "audit path does not lead to the anchor's root_hash",
        ),
        (
            "flipped path",
            anchor,
            altered(proof, audit_path=[flipped(path[0]), *path[1:]]),
            "does not lead",
        ),
        ("short path", anchor, altered(proof, audit_path=path[:-1]), "shorter than the tree needs"),
        ("other leaf index", anchor, altered(proof, leaf_index=6), "does not lead"),
        ("other anchor", log.anchor(14).to_json(), proof, "for tree_size 13, the anchor 14"),
        ("anchor size edited", altered(anchor, tree_size=14), proof, "signature does not verify"),
        (
            "anchor root edited",
            altered(anchor, root_hash=flipped(anchor["root_hash"])),
            proof,
            "signature does not verify",
        ),
        ("another key's anchor", stranger, proof, "was signed by key"),
        (
            "forged under the log's key_id",
            altered(stranger, key_id=anchor["key_id"]),
            proof,
            "anchor: signature does not verify under the log's key",
        ),
        (
            "anchor without signature",
            altered(anchor, signature=None),
            proof,
            "signature is missing",
        ),
        ("not a hash", anchor, altered(proof, audit_path=["00"]), "audit_path[0] is not 64 hex"),
        ("leaf not JSON", anchor, altered(proof, leaf="{"), "leaf is not JSON text"),
    ]


@pytest.mark.parametrize(
    ("name", "anchor", "proof", "message"),
    inclusion_failures(LOG),
    ids=[case[0] for case in inclusion_failures(LOG)],
)
def test_each_tampered_inclusion_fails_naming_what(
    tmp_path: Path,
    log: SampleLog,
    script: ModuleType,
    name: str,
    anchor: object,
    proof: object,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert script.main(Case(tmp_path, log).inclusion_args(anchor, proof)) == 1, name
    assert message in capsys.readouterr().err, name


def test_a_tampered_inclusion_fails_as_a_process(tmp_path: Path, log: SampleLog) -> None:
    _, anchor, proof, message = inclusion_failures(log)[2]  # flipped path
    result = run(Case(tmp_path, log).inclusion_args(anchor, proof))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("FAILED: ") and message in result.stderr


def consistency_failures(log: SampleLog) -> list[tuple[str, object, object, object, str]]:
    old, new = log.anchor(13).to_json(), log.anchor(40).to_json()
    proof = prove_consistency(log.tree, 13, 40).to_json()
    path = list(proof["proof"])  # type: ignore[call-overload]
    return [
        ("swapped anchors", new, old, proof, "first is not the earlier anchor's tree_size"),
        ("other later anchor", old, log.anchor(39).to_json(), proof, "second is not the later"),
        (
            "flipped path",
            old,
            new,
            altered(proof, proof=[*path[:-1], flipped(path[-1])]),
            "does not rebuild",
        ),
        ("empty path", old, new, altered(proof, proof=[]), "consistency proof is empty"),
        (
            "long path",
            old,
            new,
            altered(proof, proof=[*path, path[0]]),
            "longer than the trees need",
        ),
        (
            "later anchor edited",
            old,
            altered(new, root_hash=flipped(new["root_hash"])),
            proof,
            "later anchor: signature",
        ),
    ]


@pytest.mark.parametrize(
    ("name", "earlier", "later", "proof", "message"),
    consistency_failures(LOG),
    ids=[case[0] for case in consistency_failures(LOG)],
)
def test_each_tampered_consistency_fails_naming_what(
    tmp_path: Path,
    log: SampleLog,
    script: ModuleType,
    name: str,
    earlier: object,
    later: object,
    proof: object,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert script.main(Case(tmp_path, log).consistency_args(earlier, later, proof)) == 1, name
    assert message in capsys.readouterr().err, name


def test_a_rewritten_history_fails_as_a_process(tmp_path: Path, log: SampleLog) -> None:
    # The log anchored 13 events, then edited event 6 and signed a tree of 40.
    leaves = list(log.leaves)
    leaves[5] = leaves[5].replace(b"R6", b"R6-edited")
    rewritten = SampleLog(log.key, leaves, MemoryTree(leaf_hash(leaf) for leaf in leaves))
    proof = prove_consistency(rewritten.tree, 13, 40).to_json()
    proof["first_root"] = log.anchor(13).to_json()["root_hash"]
    args = Case(tmp_path, log).consistency_args(
        log.anchor(13).to_json(), rewritten.anchor(40).to_json(), proof
    )
    result = run(args)
    assert result.returncode == 1
    assert "does not rebuild the earlier anchor's root_hash" in result.stderr


def test_a_bad_key_or_file_fails(tmp_path: Path, log: SampleLog, script: ModuleType) -> None:
    case = Case(tmp_path, log)
    args = case.inclusion_args(log.anchor(13).to_json(), inclusion_of(log, 1, 13))
    args[1] = "--key=" + base64.b64encode(bytes(31)).decode()
    assert script.main(args) == 1
    args[1] = f"--key={case.key}"
    args[2] = f"--anchor={tmp_path / 'missing.json'}"
    assert script.main(args) == 1


def test_the_script_agrees_with_the_log_on_every_proof(
    tmp_path: Path, log: SampleLog, script: ModuleType
) -> None:
    case = Case(tmp_path, log)
    for size in (1, 2, 7, 8, 9, 40):
        anchor = log.anchor(size).to_json()
        for index in range(size):
            assert script.main(case.inclusion_args(anchor, inclusion_of(log, index, size))) == 0
        for first in range(1, size + 1):
            proof = prove_consistency(log.tree, first, size).to_json()
            earlier = log.anchor(first).to_json()
            assert script.main(case.consistency_args(earlier, anchor, proof)) == 0
