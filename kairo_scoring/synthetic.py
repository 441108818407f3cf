"""Seeded synthetic portfolios: the bundled sample, and N pilots for tests and benchmarks.

Run `python -m kairo_scoring.synthetic --sample data/sample_portfolio.xlsx` to rebuild the sample.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from kairo_scoring.schema import CURRENT_MODES, RISK_LEVELS, SCORE_FIELDS, STAGES, conform

BUSINESS_UNITS = (
    "Finance",
    "Customer Service",
    "HR",
    "Legal",
    "Procurement",
    "IT Operations",
    "Marketing",
    "Claims",
)
PROCESSES = (
    "invoice matching", "contract review", "ticket triage", "policy Q&A", "candidate screening",
    "supplier onboarding", "incident summaries", "campaign copy", "claims intake", "expense audit",
    "knowledge search", "meeting notes", "RFP drafting", "fraud flags", "payroll queries",
    "vendor risk checks", "complaint routing", "translation", "report drafting", "data extraction",
)  # fmt: skip
OWNERS = (
    "Amara Okafor", "Ben Hughes", "Chen Wei", "Dana Ruiz", "Elif Demir", "Farah Haddad", "Gabriel Costa",
    "Hana Sato", "Ivan Petrov", "Julia Novak", "Kwame Mensah", "Lena Fischer", "Marco Bianchi", "Nia Johnson",
)  # fmt: skip


def generate_portfolio(n: int, *, seed: int = 7, unknown_rate: float = 0.04) -> pd.DataFrame:
    """N synthetic pilots in the canonical schema, vectorised and reproducible from `seed`.

    Fields are correlated through a latent maturity per pilot, so the portfolio holds
    a realistic spread of verdicts; `unknown_rate` blanks that share of each scoring input.
    """
    rng = np.random.default_rng(seed)
    maturity = rng.beta(2.2, 2.0, n) * 4 + 1  # 1..5
    scores = {f: np.clip(np.rint(maturity + rng.normal(0, 0.8, n)), 1, 5) for f in SCORE_FIELDS}
    demand_tier = rng.choice(3, n, p=[0.5, 0.32, 0.18])
    volume = np.rint(
        np.select(
            [demand_tier == 0, demand_tier == 1],
            [rng.uniform(5, 300, n), rng.uniform(300, 2000, n)],
            rng.uniform(2000, 40000, n),
        )
    )
    users = np.rint(np.where(demand_tier == 0, rng.integers(1, 8, n), rng.integers(4, 120, n)))
    # Most pilots run where they can govern or below; some overreach, some under-use.
    governable = np.clip(np.floor((maturity - 1.0) / 1.1), 0, 3)
    drift = rng.choice([-1, 0, 0, 0, 1], n)
    current = np.clip(np.minimum(demand_tier + 1, governable) + drift, 0, 3).astype(int)
    current = np.where(rng.random(n) < 0.2, 0, current)
    stage = np.where(current == 0, np.where(rng.random(n) < 0.3, 0, 1), np.where(rng.random(n) < 0.05, 3, 2))
    risk = rng.choice(4, n, p=[0.35, 0.35, 0.22, 0.08])
    unit = rng.integers(0, len(BUSINESS_UNITS), n)
    process = rng.integers(0, len(PROCESSES), n)
    numbers = np.arange(1, n + 1)
    frame = pd.DataFrame(
        {
            "pilot_id": [f"P-{i:06d}" for i in numbers]
            if n <= 200_000
            else pd.Series(numbers).map("P-{:07d}".format),
            "name": pd.Series(np.asarray(PROCESSES, dtype=object)[process]).str.capitalize()
            + " — "
            + pd.Series(np.asarray(BUSINESS_UNITS, dtype=object)[unit])
            + " #"
            + pd.Series(numbers).astype(str),
            "business_unit": np.asarray(BUSINESS_UNITS, dtype=object)[unit],
            "owner": np.asarray(OWNERS, dtype=object)[rng.integers(0, len(OWNERS), n)],
            "stage": np.asarray(STAGES, dtype=object)[stage],
            "current_mode": np.asarray(CURRENT_MODES, dtype=object)[current],
            **scores,
            "risk_level": np.asarray(RISK_LEVELS, dtype=object)[risk],
            "monthly_volume": volume,
            "users": users,
            "monthly_value": np.rint(volume * rng.uniform(0.5, 12, n) + rng.uniform(0, 4000, n)),
        }
    )
    for column in (*SCORE_FIELDS, "risk_level", "monthly_volume", "users", "current_mode"):
        blank = rng.random(n) < unknown_rate
        frame.loc[blank, column] = None
    return conform(frame)


# Hand-written pilots that make sure the sample shows every verdict and the classic mis-sizings.
_SPECIAL_CASES = (
    dict(name="Supplier FAQ bot on an API pipeline", business_unit="Procurement", current_mode="api_pipeline",
         monthly_volume=40, users=2, process_maturity=5, io_stability=5, exception_governance=5, ownership=5, controls=5,
         shared_assets=4, integration_readiness=4, value_evidence=4, risk_level="low", monthly_value=800),
    dict(name="Claims intake from desktops at 9,000 a month", business_unit="Claims", current_mode="assisted_desktop",
         monthly_volume=9000, users=35, process_maturity=5, io_stability=4, exception_governance=4, ownership=4, controls=4,
         shared_assets=4, integration_readiness=4, value_evidence=5, risk_level="medium", monthly_value=95000),
    dict(name="Credit decision drafts without audit trail", business_unit="Finance", current_mode="api_pipeline",
         monthly_volume=5200, users=14, process_maturity=4, io_stability=4, exception_governance=3, ownership=4, controls=2,
         shared_assets=3, integration_readiness=4, value_evidence=4, risk_level="critical", monthly_value=60000),
    dict(name="Legal clause library workspace", business_unit="Legal", current_mode="shared_workspace",
         monthly_volume=450, users=12, process_maturity=4, io_stability=3, exception_governance=3, ownership=4, controls=4,
         shared_assets=4, integration_readiness=2, value_evidence=4, risk_level="medium", monthly_value=18000),
    dict(name="Brand voice experiments", business_unit="Marketing", current_mode="none",
         monthly_volume=60, users=3, process_maturity=1, io_stability=2, exception_governance=1, ownership=2, controls=2,
         shared_assets=1, integration_readiness=1, value_evidence=2, risk_level="low", monthly_value=500),
    dict(name="HR policy assistant (volume not tracked)", business_unit="HR", current_mode="assisted_desktop",
         monthly_volume=None, users=None, process_maturity=4, io_stability=4, exception_governance=3, ownership=4, controls=4,
         shared_assets=4, integration_readiness=3, value_evidence=4, risk_level="medium", monthly_value=None),
    dict(name="Service desk ticket triage", business_unit="IT Operations", current_mode="shared_workspace",
         monthly_volume=6500, users=40, process_maturity=4, io_stability=4, exception_governance=3, ownership=4, controls=4,
         shared_assets=4, integration_readiness=2, value_evidence=4, risk_level="medium", monthly_value=41000),
    dict(name="Invoice matching pipeline", business_unit="Finance", current_mode="api_pipeline",
         monthly_volume=12000, users=20, process_maturity=5, io_stability=5, exception_governance=4, ownership=5, controls=5,
         shared_assets=4, integration_readiness=5, value_evidence=5, risk_level="high", monthly_value=150000),
)  # fmt: skip


def sample_portfolio(n: int = 80, *, seed: int = 2025) -> pd.DataFrame:
    """The bundled sample: `n` pilots across 8 business units, hand-written mis-sizings included."""
    special = pd.DataFrame(list(_SPECIAL_CASES))
    special["stage"] = np.where(special["current_mode"] == "none", "pilot", "production")
    special["owner"] = [OWNERS[i % len(OWNERS)] for i in range(len(special))]
    generated = generate_portfolio(n - len(special), seed=seed, unknown_rate=0.03)
    frame = pd.concat([conform(special), generated], ignore_index=True)
    frame["pilot_id"] = [f"KP-{i:03d}" for i in range(1, len(frame) + 1)]
    return conform(frame)


def previous_quarter(frame: pd.DataFrame, *, seed: int = 2024) -> pd.DataFrame:
    """The same register one quarter earlier: some pilots were less ready, a few not yet
    registered, and a few since retired from the register (for the History page)."""
    rng = np.random.default_rng(seed)
    earlier = frame.copy()
    slipped_back = rng.random(len(earlier)) < 0.3
    for field in SCORE_FIELDS:
        lowered = (earlier[field] - 1).clip(lower=1)
        earlier[field] = earlier[field].where(~(slipped_back & (rng.random(len(earlier)) < 0.5)), lowered)
    improved_since = rng.random(len(earlier)) < 0.08
    earlier.loc[improved_since, "controls"] = (earlier.loc[improved_since, "controls"] + 1).clip(upper=5)
    earlier = earlier.iloc[: len(earlier) - 6]  # the last six were registered this quarter
    gone = generate_portfolio(3, seed=seed, unknown_rate=0.0)
    gone["pilot_id"] = [f"KP-9{i:02d}" for i in range(1, 4)]
    return conform(pd.concat([earlier, gone], ignore_index=True))


def write_register(frame: pd.DataFrame, path: Path) -> Path:
    """Write a portfolio as a register xlsx with one 'Pilots' sheet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name="Pilots", index=False)
        sheet = writer.sheets["Pilots"]
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
        sheet.set_column(0, 0, 10)
        sheet.set_column(1, 1, 48)
        sheet.set_column(2, len(frame.columns) - 1, 16)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the bundled sample portfolio or a synthetic one.")
    parser.add_argument("--sample", type=Path, help="write the 80-pilot sample register to this xlsx")
    parser.add_argument("--previous", type=Path, help="also write the previous quarter's register here")
    parser.add_argument("--pilots", type=int, default=80)
    args = parser.parse_args(argv)
    if args.sample:
        current = sample_portfolio(args.pilots)
        print(write_register(current, args.sample))
        if args.previous:
            print(write_register(previous_quarter(current), args.previous))
    return 0


__all__ = [
    "generate_portfolio",
    "sample_portfolio",
]


if __name__ == "__main__":
    raise SystemExit(main())
