"""Presentation: what a computed result looks like to a person (explanations in plain
language; labels, formats and figures as they move here). Applied to results, never part
of what is computed or cached for scoring."""

from kairo_scoring.present.explain import field_help, how_scoring_works

__all__ = ["field_help", "how_scoring_works"]
