"""What an evaluator is handed: the latest signed head, and RFC 9162 proofs against it.

Every proof is checked against its signed head before it leaves, with the same
functions the evaluator's script uses, so the log never hands out a proof that fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.correlation.models import Incident
from alerts.correlation.timeline import incident_timeline
from alerts.timeline.domain.evidence import (
    ConsistencyProof,
    InclusionProof,
    check_consistency,
    check_inclusion,
    prove_consistency,
    prove_inclusion,
)
from alerts.timeline.domain.leaves import event_leaf_bytes
from alerts.timeline.domain.merkle import leaf_hash
from alerts.timeline.domain.tree_head import SignedTreeHead
from alerts.timeline.log_store import StoredNodes, head_of_size, latest_head, signed_head
from alerts.timeline.models import Event, LogLeaf, TreeHead


class ProofRequestError(ValueError):
    """What was asked cannot be proved; the message says why and what to ask instead."""


@dataclass(frozen=True)
class IncidentProofs:
    head: SignedTreeHead
    proofs: list[InclusionProof]
    pending: int  # events of the incident not yet sealed into that head


def signed_head_of(session: Session, size: int | None = None) -> SignedTreeHead:
    row = latest_head(session) if size is None else head_of_size(session, size)
    if row is not None:
        return signed_head(row)
    if size is None:
        raise ProofRequestError("the log has no signed head yet: is the scheduler running?")
    sizes = list(
        session.scalars(select(TreeHead.tree_size).order_by(TreeHead.tree_size.desc()).limit(5))
    )
    raise ProofRequestError(
        f"no signed head of size {size}; the latest are {', '.join(map(str, sizes)) or 'none'} "
        "(`alerts audit anchor --json` prints the newest)"
    )


def prove_leaf(
    session: Session, index: int, public_key: Ed25519PublicKey, size: int | None = None
) -> InclusionProof:
    head = signed_head_of(session, size)
    if not 0 <= index < head.head.tree_size:
        raise ProofRequestError(
            f"leaf {index} is not in the head of size {head.head.tree_size} "
            f"(leaves 0 to {head.head.tree_size - 1})"
        )
    return _proof(session, index, head, public_key)


def prove_incident(
    session: Session, ref: str, public_key: Ed25519PublicKey, size: int | None = None
) -> IncidentProofs:
    """An inclusion proof for every sealed event of one incident's timeline: what an
    evaluator hands over about that incident, and nothing of any other."""
    incident = session.scalars(select(Incident).where(Incident.ref == ref.strip().upper())).first()
    if incident is None:
        raise ProofRequestError(f"no incident with reference {ref!r}")
    head = signed_head_of(session, size)
    event_ids = [event.id for event in incident_timeline(session, incident.id)]
    positions = dict(
        session.execute(
            select(LogLeaf.event_id, LogLeaf.leaf_index).where(LogLeaf.event_id.in_(event_ids))
        ).all()
    )
    sealed = sorted(i for i in positions.values() if i < head.head.tree_size)
    proofs = [_proof(session, index, head, public_key) for index in sealed]
    return IncidentProofs(head, proofs, len(event_ids) - len(sealed))


def prove_extension(
    session: Session, first: int, public_key: Ed25519PublicKey, second: int | None = None
) -> ConsistencyProof:
    later = signed_head_of(session, second)
    earlier = signed_head_of(session, first)
    if not 0 < first <= later.head.tree_size:
        raise ProofRequestError(
            f"FIRST must be between 1 and {later.head.tree_size} (the second head's size)"
        )
    proof = prove_consistency(StoredNodes(session), first, later.head.tree_size)
    check_consistency(proof, earlier, later, public_key)
    return proof


def _proof(
    session: Session, index: int, head: SignedTreeHead, public_key: Ed25519PublicKey
) -> InclusionProof:
    leaf_row = session.get(LogLeaf, index)
    event = session.get(Event, leaf_row.event_id) if leaf_row is not None else None
    if leaf_row is None or event is None:
        raise ProofRequestError(f"leaf {index} or its event is missing: run `alerts audit verify`")
    leaf = event_leaf_bytes(event)
    if leaf_hash(leaf).hex() != leaf_row.leaf_hash:
        raise ProofRequestError(
            f"event {event.id} no longer matches leaf {index}: run `alerts audit verify`"
        )
    proof = prove_inclusion(StoredNodes(session), index, head.head.tree_size, leaf)
    check_inclusion(proof, head, public_key)
    return proof
