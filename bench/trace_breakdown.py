"""Where a page load's time goes, from a Chromium performance trace and its websocket frames.

`bench/bench_app.py --trace DIR` writes, per page, `NAME.json` (the trace Playwright's
`browser.start_tracing` records) and `NAME.frames.json` (the websocket frames the page
received, from the DevTools protocol's Network domain). This module reads both:

- the renderer main thread's time from navigation to the end of the load, by self time,
  as DevTools' Summary counts it: script parse/compile, script evaluation (bundles' top level
  and every later JS call: React, plotly), style and layout, paint and compositing, GC, idle;
- the JavaScript files downloaded (bytes), the largest first;
- the websocket messages per element (Streamlit's ForwardMsg protobuf), plotly figure JSON
  sizes in order.

Run alone: .venv/bin/python bench/trace_breakdown.py DIR/sample.json DIR/sample.frames.json
"""

from __future__ import annotations

import base64
import json
import sys
from collections import defaultdict
from pathlib import Path

CATEGORIES = {
    "script parse/compile": {
        "v8.compile",
        "v8.compileModule",
        "V8.CompileCode",
        "v8.produceCache",
        "v8.produceModuleCache",
        "v8.deserializeOnBackground",
        "CacheScript",
        "V8.CompileLazy",
        "v8.parseOnBackgroundWaiting",
    },
    "script evaluation": {
        "EvaluateScript",
        "v8.evaluateModule",
        "FunctionCall",
        "TimerFire",
        "EventDispatch",
        "FireAnimationFrame",
        "FireIdleCallback",
        "RunMicrotasks",
        "v8.run",
        "v8.callFunction",
        "V8.Execute",
        "XHRReadyStateChange",
        "XHRLoad",
        "ParseAuthorStyleSheet",
    },
    "style and layout": {
        "UpdateLayoutTree",
        "RecalculateStyles",
        "Layout",
        "ScheduleStyleRecalculation",
        "InvalidateLayout",
        "IntersectionObserverController::computeIntersections",
    },
    "paint and composite": {
        "Paint",
        "PrePaint",
        "Layerize",
        "UpdateLayer",
        "UpdateLayerTree",
        "CompositeLayers",
        "Commit",
        "PaintImage",
        "Decode Image",
        "RasterTask",
    },
    "garbage collection": {
        "MinorGC",
        "MajorGC",
        "V8.GCScavenger",
        "V8.GCCompactor",
        "V8.GCFinalizeMC",
        "V8.GC_MC_BACKGROUND_MARKING",
        "BlinkGC.AtomicPhase",
        "ThreadState::performIdleLazySweep",
        "V8.GCIncrementalMarking",
        "V8.GCIncrementalMarkingFinalize",
        "V8.GCIncrementalMarkingStart",
        "V8.GCMarkCompactor",
        "V8.GCScavengerBackground",
    },
    "HTML parse": {"ParseHTML"},
}
BY_NAME = {name: category for category, names in CATEGORIES.items() for name in names}
TOP_LEVEL = {"RunTask", "ThreadControllerImpl::RunTask", "ThreadPool_RunTask"}


def _events(path: Path) -> list[dict]:
    data = json.loads(path.read_text())
    return data["traceEvents"] if isinstance(data, dict) else data


def _main_thread(events: list[dict]) -> tuple[int, int]:
    """(pid, tid) of the busiest CrRendererMain thread: the page's."""
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for e in events:
        key = (e.get("pid"), e.get("tid"))
        if key in mains:
            counts[key] += 1
    return max(counts, key=counts.get)


def _complete(events: list[dict]) -> list[tuple[float, float, str]]:
    """(start µs, end µs, name) of a thread's slices; B/E pairs joined."""
    out, open_ = [], defaultdict(list)
    for e in events:
        ph = e.get("ph")
        if ph == "X" and "dur" in e:
            out.append((e["ts"], e["ts"] + e["dur"], e["name"]))
        elif ph == "B":
            open_[e["name"]].append(e["ts"])
        elif ph == "E" and open_[e.get("name", "")]:
            out.append((open_[e["name"]].pop(), e["ts"], e["name"]))
    return sorted(out, key=lambda s: (s[0], -s[1]))


def main_thread_summary(path: Path) -> tuple[dict[str, float], float]:
    """Self time (ms) per category on the page's main thread from navigation start; and the
    window's length (ms)."""
    events = _events(path)
    pid, tid = _main_thread(events)
    starts = [e["ts"] for e in events if e.get("name") == "navigationStart" and e.get("pid") == pid]
    origin = min(starts) if starts else min(e["ts"] for e in events if e.get("ts"))
    thread = [e for e in events if e.get("pid") == pid and e.get("tid") == tid and e.get("ts", 0) >= origin]
    slices = _complete(thread)
    end = max((s[1] for s in slices), default=origin)
    totals: dict[str, float] = defaultdict(float)
    stack: list[list] = []  # [end, category, child time]

    def close(until: float) -> None:
        while stack and stack[-1][0] <= until:
            finished = stack.pop()
            totals[finished[1]] += finished[3] - finished[2]

    for start, stop, name in slices:
        close(start)
        parent = stack[-1][1] if stack else "other"
        category = BY_NAME.get(name, "other" if name in TOP_LEVEL else parent)
        if stack:
            stack[-1][2] += stop - start
        stack.append([stop, category, 0.0, stop - start])
    close(float("inf"))
    window = (end - origin) / 1000
    summary = {k: v / 1000 for k, v in totals.items()}
    summary["idle (waiting: network, server, timers)"] = max(window - sum(summary.values()), 0.0)
    return summary, window


def js_by_file(path: Path) -> dict[str, float]:
    """CPU time (ms) on the page's main thread by the JavaScript file of the running function,
    from the trace's sampled CPU profile: plotly.js is inside PlotlyChart-*.js, React in
    react-dom-*.js, the table's grid in DataFrame-*.js."""
    events = _events(path)
    pid, tid = _main_thread(events)
    profiles = {
        e["id"] for e in events if e.get("name") == "Profile" and e.get("pid") == pid and e.get("tid") == tid
    }
    files: dict[int, str] = {}
    totals: dict[str, float] = defaultdict(float)
    for e in events:
        if e.get("name") != "ProfileChunk" or e.get("id") not in profiles:
            continue
        data = e["args"]["data"]
        profile = data.get("cpuProfile", {})
        for node in profile.get("nodes", []):
            frame = node["callFrame"]
            url = frame.get("url") or frame.get("functionName") or "?"
            files[node["id"]] = url.rsplit("/", 1)[-1].split(".")[0] or url
        for sample, delta in zip(profile.get("samples", []), data.get("timeDeltas", []), strict=False):
            totals[files.get(sample, "?")] += delta / 1000
    totals.pop("(idle)", None)
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def scripts(path: Path) -> list[tuple[str, int]]:
    """(file name, bytes received) of every JavaScript file, largest first."""
    urls, sizes = {}, defaultdict(int)
    for e in _events(path):
        data = (e.get("args") or {}).get("data") or {}
        if e.get("name") == "ResourceSendRequest":
            urls[data.get("requestId")] = data.get("url", "")
        elif e.get("name") == "ResourceFinish":
            sizes[data.get("requestId")] = max(sizes[data.get("requestId")], data.get("decodedBodyLength", 0))
    files = [
        (urls.get(r, "?").rsplit("/", 1)[-1], n) for r, n in sizes.items() if urls.get(r, "").endswith(".js")
    ]
    return sorted(files, key=lambda f: -f[1])


def websocket_elements(frames_path: Path) -> list[tuple[int, str, int]]:
    """(message number, element type, bytes) of every element Streamlit sent, in order; plotly
    charts as 'plotly_chart' with the size of their figure JSON."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = []
    binary = [f for f in json.loads(frames_path.read_text()) if f.get("opcode") == 2]
    for number, frame in enumerate(binary):
        msg = ForwardMsg.FromString(base64.b64decode(frame["payloadData"]))
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            continue
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        size = len(element.plotly_chart.spec) if kind == "plotly_chart" else element.ByteSize()
        out.append((number, kind, size))
    return out


def arrivals(frames_path: Path, probe_path: Path) -> str:
    """When the first metric, each chart and each table reached the page (ms from navigation),
    from the probe's log of websocket messages (same order as the frames)."""
    probe = json.loads(probe_path.read_text())
    times = [t for t, _ in probe["messages"]]
    marks, seen_metric = [], False
    for number, kind, size in websocket_elements(frames_path):
        if number >= len(times):
            break
        if kind == "metric" and not seen_metric:
            seen_metric = True
            marks.append(f"first metric {times[number]:,.0f}")
        elif kind in ("plotly_chart", "dataframe", "arrow_data_frame"):
            marks.append(f"{kind} ({size / 1e3:,.1f} kB) {times[number]:,.0f}")
    drawn = ", ".join(f"{d:,.0f}" for _, d in probe["charts"])
    return (
        f"Arrived (ms from navigation): {'; '.join(marks)}. Headline in the DOM {probe['inDom'] or 0:,.0f}, "
        f"painted {probe['headline']:,.0f}; charts drawn {drawn}; last {probe['done']:,.0f}."
    )


def figure_specs(frames_path: Path) -> list[str]:
    """The plotly figure JSON of every chart the page received, in order."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    specs = []
    for frame in json.loads(frames_path.read_text()):
        if frame.get("opcode") != 2:
            continue
        msg = ForwardMsg.FromString(base64.b64decode(frame["payloadData"]))
        delta = msg.delta if msg.WhichOneof("type") == "delta" else None
        element = (
            delta.new_element if delta is not None and delta.WhichOneof("type") == "new_element" else None
        )
        if element is not None and element.WhichOneof("type") == "plotly_chart":
            specs.append(element.plotly_chart.spec)
    return specs


DRAW = """
async ([spec, runs]) => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const div = document.createElement('div');
    div.style.width = '1200px';
    document.body.appendChild(div);
    const figure = JSON.parse(spec);
    const start = performance.now();
    await Plotly.newPlot(div, figure.data, figure.layout, {responsive: false});
    times.push(performance.now() - start);
    Plotly.purge(div);
    div.remove();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
"""


def draw_times(specs: list[str], runs: int = 5) -> list[float]:
    """Median ms plotly.js takes to draw each figure (`Plotly.newPlot`, 1200 px wide) in
    headless Chromium, alone on a blank page with plotly.js already loaded."""
    import plotly
    from playwright.sync_api import sync_playwright

    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu"],
            headless=True,
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.add_script_tag(path=str(bundle))
        page.evaluate(DRAW, [specs[0], 2]) if specs else None  # warm the JIT
        out = [page.evaluate(DRAW, [spec, runs]) for spec in specs]
        browser.close()
    return out


def breakdown(trace: Path, frames: Path | None = None, *, title: str = "") -> str:
    """A Markdown breakdown of one traced load."""
    summary, window = main_thread_summary(trace)
    lines = [f"### {title or trace.stem}: main thread from navigation, {window:,.0f} ms traced", ""]
    lines += ["| main thread | ms | share |", "|---|---|---|"]
    for name, ms in sorted(summary.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {ms:,.0f} | {ms / window:.0%} |")
    by_file = js_by_file(trace)
    if by_file:
        top = ", ".join(f"{name} {ms:,.0f}" for name, ms in list(by_file.items())[:10])
        lines += ["", f"Main-thread CPU by JavaScript file (sampled, ms): {top}."]
    files = scripts(trace)
    if files:
        total = sum(n for _, n in files)
        top = ", ".join(f"{name} {n / 1e6:.2f} MB" for name, n in files[:4])
        lines += ["", f"JavaScript downloaded: {len(files)} files, {total / 1e6:.2f} MB; largest: {top}."]
    if frames is not None and frames.exists():
        elements = websocket_elements(frames)
        charts = [n for _, kind, n in elements if kind == "plotly_chart"]
        total = sum(n for _, _, n in elements)
        lines += [
            "",
            f"Websocket: {len(elements)} elements, {total / 1e3:,.1f} kB; plotly figure JSON in page order: "
            + (", ".join(f"{n / 1e3:,.1f} kB" for n in charts) or "none")
            + f" (charts {sum(charts) / 1e3:,.1f} kB of {total / 1e3:,.1f} kB).",
        ]
        others = defaultdict(int)
        for _, kind, n in elements:
            if kind != "plotly_chart":
                others[kind] += n
        lines.append(
            "Other elements: "
            + ", ".join(f"{k} {v / 1e3:,.1f} kB" for k, v in sorted(others.items(), key=lambda kv: -kv[1]))
            + "."
        )
        specs = figure_specs(frames)
        if specs:
            times = draw_times(specs)
            lines.append(
                "Drawing each chart alone (plotly.js `newPlot`, median of 5): "
                + ", ".join(f"{t:,.0f} ms" for t in times)
                + f" (sum {sum(times):,.0f} ms)."
            )
        probe = frames.with_name(frames.name.replace(".frames.", ".probe."))
        if probe.exists():
            lines += ["", arrivals(frames, probe)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(breakdown(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None))
