"""Scoring and mapping profiles in the store: `ProfileOperations`, the `PortfolioStore`
operations that save (authorised and audited), list and load them.
"""

from __future__ import annotations

import pandas as pd

from kairo_scoring.access import LOCAL_OPERATOR, Action, Actor, authorize
from kairo_scoring.errors import StoreError
from kairo_scoring.store.governance import AuditAction
from kairo_scoring.store.store_base import StoreBase, _audit_entry, _now, _required_name, _text_hash, _utc


class ProfileOperations(StoreBase):
    """Saving, listing and loading scoring profiles (versioned) and mapping profiles (by name)."""

    # --- scoring profiles ------------------------------------------------------------
    def save_profile(
        self, name: str, version: int, toml_text: str, content_hash: str, *, actor: Actor = LOCAL_OPERATOR
    ) -> bool:
        """Store scoring profile ``name`` version ``version``; False when that exact version is already stored.

        A stored version never changes: saving different content under an existing
        name and version raises StoreError. Needs `Action.EDIT_PROFILE`; a new version gets one
        audit row.
        """
        role = authorize(actor, Action.EDIT_PROFILE)
        name = _required_name("scoring profile", name)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise StoreError(
                f"Scoring profile '{name}' needs a version number of 1 or more; got {version!r}."
            )
        saved_at = _now()
        audit = _audit_entry(
            actor,
            role,
            AuditAction.SAVE_PROFILE,
            saved_at,
            object_id=f"{name} v{version}",
            detail=f"scoring profile {name} version {version}",
            content_hash=content_hash,
        )
        return self._backend.save_profile(name, version, toml_text, content_hash, saved_at, audit)

    def profiles(self) -> pd.DataFrame:
        """Stored scoring profiles: name, version, hash, created_at."""
        return _utc(self._backend.list_profiles(), "created_at")

    def load_profile_text(self, name: str, version: int | None = None) -> str:
        """A scoring profile's TOML text: the given version, or the latest when ``version`` is None."""
        text = self._backend.profile_text(name, version)
        if text is None:
            known = sorted(set(self._backend.list_profiles()["name"]))
            which = f"'{name}'" if version is None else f"'{name}' version {version}"
            raise StoreError(
                f"No scoring profile {which} in the store; stored profiles: {', '.join(known) or 'none'}."
            )
        return text

    # --- mapping profiles ------------------------------------------------------------
    def save_mapping(self, name: str, toml_text: str, *, actor: Actor = LOCAL_OPERATOR) -> int:
        """Save mapping profile ``name`` (insert or replace); returns its version, raised only when the text changed.

        Needs `Action.SAVE_MAPPING`; a changed text gets one audit row.
        """
        role = authorize(actor, Action.SAVE_MAPPING)
        name = _required_name("mapping profile", name)
        saved_at, content_hash = _now(), _text_hash(toml_text)
        audit = _audit_entry(
            actor,
            role,
            AuditAction.SAVE_MAPPING,
            saved_at,
            detail=f"mapping profile {name}",
            content_hash=content_hash,
        )
        return self._backend.save_mapping(name, toml_text, content_hash, saved_at, audit)

    def mappings(self) -> pd.DataFrame:
        """Stored mapping profiles: name, version, hash, created_at, updated_at."""
        return _utc(self._backend.list_mappings(), "created_at", "updated_at")

    def load_mapping_text(self, name: str) -> str:
        """A mapping profile's TOML text; StoreError when there is none of that name."""
        text = self._backend.mapping_text(name)
        if text is None:
            known = sorted(self._backend.list_mappings()["name"])
            raise StoreError(
                f"No mapping profile '{name}' in the store; stored mappings: {', '.join(known) or 'none'}."
            )
        return text
