"""The boardroom deck: a PowerPoint file with native, editable charts and tables, so a
consultant can restyle it in PowerPoint (python-pptx; no picture of a chart anywhere).

The slides, in order: the title; the headline figures; where the portfolio sits (the needs
vs can-govern grid as a table heat-map); flows from today's mode to the recommendation; what
blocks the most pilots and value, and apart from it the gates that only wait on an answer;
one slide per verdict with its most valuable pilots ("and N more"); the deciding questions
and who to ask; decisions taken and awaiting sign-off (with decisions); and an appendix, one
slide per selected pilot (`present.onepager.pilot_sheet`, the content of its one-pager).

Every number comes from the library's views (`headline`, `demand_supply_grid`, `mode_flows`,
`blocker_summary`, `verdict_counts`, `deciding_questions`) and every word from `present`
(labels, formats, questions, report's decision log), as the pages show them. Presenting
(``anonymise``) replaces every pilot name and owner by its alias before anything is drawn,
and leaves out the snapshot's file, decision makers and free-text reasons, so no real name
reaches a slide, a table cell, a chart category or a notes page. The deck is bounded
whatever the portfolio's size: a verdict slide lists at most `GROUP_LIMIT` pilots and the
appendix at most `APPENDIX_LIMIT`.

python-pptx is imported when a deck is built, not with the library (the app's first paint
does not wait for it).

The parts: the drawing primitives and the chart-label guard (`drawing`), one function per
slide (`slides`) and the deck assembled in order (`build`). Their constants (`GROUP_LIMIT`,
`TABLE_LIMIT`, the slide size…) stay importable from here, outside the public face.
"""

from kairo_scoring.deck.build import APPENDIX_LIMIT, DECK_MIME, appendix_pilots, portfolio_deck
from kairo_scoring.deck.drawing import SLIDE_HEIGHT, SLIDE_WIDTH, chart_text  # noqa: F401
from kairo_scoring.deck.slides import (  # noqa: F401
    BLOCKED_MEANING,
    DECISION_LIMIT,
    GROUP_LIMIT,
    NONE_BLOCKED,
    NONE_WAITING,
    TABLE_LIMIT,
    WAITING_MEANING,
)

__all__ = ["APPENDIX_LIMIT", "DECK_MIME", "appendix_pilots", "chart_text", "portfolio_deck"]
