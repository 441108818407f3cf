"""Presentation: how a computed result reads to a person. Labels (`labels`), number formats
(`formats`), colours (`palette`), plain-language explanations (`explain`), the deciding
questions' sentences and tables (`questions`), where values came from in words
(`provenance`), why a pilot gets its option (`reasons`), the plotly figures (`figures`) and the printable HTML summary (`report`). Applied to results, never part of what is computed or cached for
scoring; nothing below this layer imports it."""

from kairo_scoring.present import (
    explain,
    figures,
    formats,
    issue_groups,
    labels,
    onepager,
    palette,
    provenance,
    questions,
    reasons,
    report,
)
from kairo_scoring.present.explain import *  # noqa: F403
from kairo_scoring.present.figures import *  # noqa: F403
from kairo_scoring.present.formats import *  # noqa: F403
from kairo_scoring.present.issue_groups import *  # noqa: F403
from kairo_scoring.present.labels import *  # noqa: F403
from kairo_scoring.present.onepager import *  # noqa: F403
from kairo_scoring.present.palette import *  # noqa: F403
from kairo_scoring.present.provenance import *  # noqa: F403
from kairo_scoring.present.questions import *  # noqa: F403
from kairo_scoring.present.reasons import *  # noqa: F403
from kairo_scoring.present.report import *  # noqa: F403

__all__ = [
    name
    for part in (
        palette,
        formats,
        labels,
        explain,
        figures,
        provenance,
        questions,
        report,
        issue_groups,
        reasons,
        onepager,
    )
    for name in part.__all__
]
