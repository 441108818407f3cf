"""What every family of `PortfolioStore` operations builds on: `StoreBase` (the opened
backend and the label messages name it by) and the small rules every write shares: the
clock (naive UTC), UTC columns of a listing, a required name, a missing value, a text's
hash and the audit row of a write.

`PortfolioStore` (store.py) is assembled from the families: snapshots.py (browsing and
loading snapshots), snapshot_writes.py (imports, answers, deletes), profiles.py (scoring
and mapping profiles) and decision_log.py (decisions and sign-off).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pandas as pd

from kairo_scoring.access import Actor, Role
from kairo_scoring.errors import StoreError
from kairo_scoring.store.backend import StoreBackend
from kairo_scoring.store.governance import AuditAction, AuditEntry


class StoreBase:
    """The state every family of store operations works on; `PortfolioStore.__init__` sets it."""

    _backend: StoreBackend
    _label: str


def _now() -> datetime:
    # Stored naive in UTC: both DuckDB TIMESTAMP and a future PostgreSQL column take it as is.
    return datetime.now(UTC).replace(tzinfo=None)


def _utc(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
    return frame


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _required_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StoreError(f"A {kind} needs a name; got {name!r}.")
    return name.strip()


def _optional(value: object) -> object:
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def _audit_entry(
    actor: Actor,
    role: Role,
    action: AuditAction,
    at: datetime,
    *,
    portfolio: str | None = None,
    object_id: str | None = None,
    detail: str = "",
    content_hash: str = "",
) -> AuditEntry:
    """The audit row of a write by ``actor`` (with the role it was authorised with)."""
    return AuditEntry(
        recorded_at=at,
        who=actor.who,
        verified=actor.verified,
        role=role.label,
        action=action.value,
        portfolio=portfolio,
        object_id=object_id,
        detail=detail,
        content_hash=content_hash,
    )
