"""The deck's drawing primitives (`_Deck`): a 16:9 presentation and the few things every
slide draws — a titled slide with its notes page, text boxes, native tables and native bar
charts — and the chart-label guard (`chart_text`: a chart category or series name that a
spreadsheet would run as a formula is kept as text in the chart's embedded workbook).

python-pptx is imported when a deck is built (`_pptx`), not with the library (the app's
first paint does not wait for it)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pandas as pd

from kairo_scoring.exports import FORMULA_TRIGGERS
from kairo_scoring.present.labels import UNKNOWN
from kairo_scoring.present.palette import INK, MUTED
from kairo_scoring.values import is_missing

# 16:9, in EMU (914,400 a inch).
SLIDE_WIDTH, SLIDE_HEIGHT = 12_192_000, 6_858_000


def _pptx() -> SimpleNamespace:
    """python-pptx's parts the deck uses, imported on first use."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Emu, Inches, Pt

    return SimpleNamespace(
        Presentation=Presentation,
        CategoryChartData=CategoryChartData,
        RGBColor=RGBColor,
        XL_CHART_TYPE=XL_CHART_TYPE,
        XL_LEGEND_POSITION=XL_LEGEND_POSITION,
        Emu=Emu,
        Inches=Inches,
        Pt=Pt,
    )


def chart_text(text: Any) -> str:
    """A chart category or series name as the chart's embedded workbook keeps it: text that a
    spreadsheet would run as a formula starts with an apostrophe (as the csv export does)."""
    text = UNKNOWN if is_missing(text) else str(text)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


class _Deck:
    """The presentation being built, with the few drawing primitives every slide uses."""

    def __init__(self) -> None:
        self.x = _pptx()
        self.prs = self.x.Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        self.in_ = self.x.Inches

    def _rgb(self, colour: str):
        return self.x.RGBColor.from_string(colour.lstrip("#").upper())

    def slide(self, title: str, subtitle: str = "", notes: str = ""):
        """A 'Title Only' slide with the title (and a line under it), and its notes page."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = (
            self.in_(0.5),
            self.in_(0.3),
            self.in_(12.3),
            self.in_(0.8),
        )
        shape.text = title
        for paragraph in shape.text_frame.paragraphs:
            paragraph.font.size = self.x.Pt(26)
            paragraph.font.bold = True
            paragraph.font.color.rgb = self._rgb(INK)
        if subtitle:
            self.text(slide, [subtitle], 0.5, 1.05, 12.3, 0.5, size=13, colour=MUTED)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def text(
        self,
        slide,
        lines: Sequence[str],
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        size: int = 14,
        colour: str = INK,
        bold: bool = False,
    ):
        box = slide.shapes.add_textbox(self.in_(left), self.in_(top), self.in_(width), self.in_(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = str(line)
            paragraph.font.size = self.x.Pt(size)
            paragraph.font.bold = bold
            paragraph.font.color.rgb = self._rgb(colour)
        return box

    def table(
        self,
        slide,
        frame: pd.DataFrame,
        left: float,
        top: float,
        width: float,
        *,
        size: int = 11,
        widths: Sequence[float] | None = None,
        row_height: float = 0.3,
    ):
        """A native table: a header row of the frame's columns, then its cells as text."""
        rows, cols = len(frame) + 1, len(frame.columns)
        shape = slide.shapes.add_table(
            rows, cols, self.in_(left), self.in_(top), self.in_(width), self.in_(row_height * rows)
        )
        table = shape.table
        if widths:
            for i, w in enumerate(widths):
                table.columns[i].width = self.in_(w)
        for j, column in enumerate(frame.columns):
            self._cell(table.cell(0, j), column, size, bold=True)
        for i, record in enumerate(frame.itertuples(index=False), start=1):
            for j, value in enumerate(record):
                self._cell(table.cell(i, j), value, size)
        return table

    def _cell(self, cell, value: Any, size: int, *, bold: bool = False, colour: str | None = None) -> None:
        cell.text = UNKNOWN if is_missing(value) else str(value)
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = self.x.Pt(size)
            paragraph.font.bold = bold
            if colour:
                paragraph.font.color.rgb = self._rgb(colour)
        cell.margin_top = cell.margin_bottom = self.x.Emu(20_000)

    def fill(self, cell, colour: str) -> None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = self._rgb(colour)

    def bar_chart(
        self,
        slide,
        categories: Sequence[str],
        series: dict[str, Sequence[float]],
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        stacked: bool = False,
        colours: Sequence[str] | None = None,
        number_format: str = "#,##0",
        title: str = "",
    ):
        """A native horizontal bar chart: categories top to bottom in the order given."""
        data = self.x.CategoryChartData(number_format=number_format)
        data.categories = [chart_text(c) for c in categories]
        for name, values in series.items():
            data.add_series(chart_text(name), [float(v) for v in values])
        kind = self.x.XL_CHART_TYPE.BAR_STACKED if stacked else self.x.XL_CHART_TYPE.BAR_CLUSTERED
        frame = slide.shapes.add_chart(
            kind, self.in_(left), self.in_(top), self.in_(width), self.in_(height), data
        )
        chart = frame.chart
        chart.category_axis.reverse_order = True  # the first category on top, as on the pages
        chart.font.size = self.x.Pt(10)
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position = self.x.XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        plot = chart.plots[0]
        plot.has_data_labels = not stacked
        if stacked:
            plot.overlap = 100
        if plot.has_data_labels:
            plot.data_labels.number_format = number_format
            plot.data_labels.number_format_is_linked = False
        for s, colour in zip(chart.series, colours or (), strict=False):
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = self._rgb(colour)
        if title:
            chart.has_title = True
            chart.chart_title.text_frame.text = title
            chart.chart_title.text_frame.paragraphs[0].font.size = self.x.Pt(12)
        return chart

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _money_format(currency: str) -> str:
    """An Excel number format for monthly value on a chart: '"USD "#,##0'."""
    return f'"{currency} "#,##0' if currency else "#,##0"
