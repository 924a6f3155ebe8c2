"""The printed report: a Markdown table plus targets and the extra figures."""

from __future__ import annotations

from typing import Any

from .stats import fmt_ms


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:g}×"


def _lost(side: dict[str, Any]) -> str:
    lost = side["never_reached_cut"]
    if not lost:
        return "0"
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(side["lost_reasons"].items()))
    return f"**{lost}** ({reasons})"


def _line(label: str, who: str, side: dict[str, Any]) -> str:
    cut, valve = side["cut_ms"], side["valve_ms"]
    trials = str(side["trials"])
    if side.get("concurrent_relays", 1) > 1:
        trials += f" ({side['concurrent_relays']} relays at once)"
    packets = side.get("packets")
    sent = (
        "-"
        if not packets or packets["max"] is None
        else (f"{packets['mean']:g} / {packets['max']}")
    )
    busiest = side.get("busiest_second_packets")
    return (
        f"| {label} | {who} | {trials} | {fmt_ms(cut['p50'])} | {fmt_ms(cut['p95'])} | "
        f"{fmt_ms(cut['p99'])} | {fmt_ms(cut['max'])} | {_lost(side)} | "
        f"{fmt_ms(valve['p50'])} / {fmt_ms(valve['p99'])} | {sent} | "
        f"{'-' if busiest is None else busiest} |"
    )


def table(results: dict[str, Any]) -> str:
    """Markdown table: one block of lines per row."""
    lines = [
        "| row | shut-off by | trials | p50 | p95 | p99 | max | never reached cut "
        "| valve closed p50 / p99 | packets per shut-off mean / max | busiest second |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        label = row["label"]
        if row["ours"] is not None:
            lines.append(_line(label, "gas_stove", row["ours"]))
            label = ""
        if row["baseline"] is not None:
            lines.append(_line(label, "python-miio defaults", row["baseline"]))
        ratios = row["ratio_baseline_over_ours"]
        if ratios:
            lines.append(
                f"| | ratio baseline / gas_stove | | {_ratio(ratios['p50'])} | "
                f"{_ratio(ratios['p95'])} | {_ratio(ratios['p99'])} | "
                f"{_ratio(ratios['max'])} | | | | |"
            )
    return "\n".join(lines)


def _steps(steps: dict[str, int]) -> str:
    low, high = steps["min"], steps["max"]
    return str(low) if low == high else f"{low}-{high}"


def _row_notes(results: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    for row in results["rows"]:
        ours = row["ours"]
        if ours is None:
            continue
        if ours["errors"]:
            notes.append(
                f"{row['label']}: {ours['errors']} gas_stove action(s) raised "
                f"({'; '.join(ours['error_examples'])})"
            )
        if ours.get("released_by_person"):
            notes.append(
                f"{row['label']}: {ours['released_by_person']} burner(s) stayed cut after an "
                "unconfirmed shut-off until the benchmark turned Gas on, as a person would"
            )
        if ours["lost_reasons"].get("entity_unavailable"):
            notes.append(
                f"{row['label']}: {ours['lost_reasons']['entity_unavailable']} switch.turn_off "
                "call(s) returned without error while the Gas switch was unavailable after "
                "a failed poll: Home Assistant skips unavailable entities, nothing was sent"
            )
    return notes


def _target_line(check: dict[str, Any]) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "n/a "}[check["pass"]]
    measured = check["measured"]
    # Latency checks measure milliseconds; the packet checks count datagrams.
    counts = "packets" in check["target"]
    if isinstance(measured, dict):
        shown = ", ".join(
            f"{k} {fmt_ms(v) if isinstance(v, float) and not counts else v}"
            for k, v in measured.items()
        )
    elif isinstance(measured, int) and counts:
        shown = f"at most {measured} in one second"
    elif isinstance(measured, float):
        shown = f"p99 {fmt_ms(measured)}"
    else:
        shown = "not measured"
    return f"{verdict}  {check['target']}: {shown}"


def render(results: dict[str, Any]) -> str:
    """The whole report as printed."""
    parts = [
        "Shut-off latency: switch.turn_off (gas_stove) or the write handed to the executor "
        '(python-miio defaults) -> emulated relay channel in "cut"; valve = emulated '
        "flame-failure valve shut (0.2 s drop-out after the loop opens).",
        "",
        table(results),
        "",
        "Targets (gas_stove):",
        *(_target_line(check) for check in results["targets"]),
    ]
    loop_poll = results.get("event_loop_per_poll")
    if loop_poll:
        t, lc, w = loop_poll["loop_time_ms"], loop_poll["longest_callback_ms"], loop_poll["wall_ms"]
        parts += [
            "",
            f"Event-loop time per relay poll ({loop_poll['polls']} polls, no loss): "
            f"p50 {fmt_ms(t['p50'])}, p99 {fmt_ms(t['p99'])}, max {fmt_ms(t['max'])} "
            f"in {_steps(loop_poll['loop_steps_per_poll'])} steps; longest single step "
            f"{fmt_ms(lc['max'])}; poll wall time p50 {fmt_ms(w['p50'])} "
            f"(waiting for the reply is not loop time).",
        ]
    setup = results.get("setup_unreachable")
    if setup:
        parts.append(
            f"Setup with an unreachable relay: async_setup returned after "
            f"{setup['seconds']:.2f} s with the entry in {setup['state']} "
            f"({setup['packets_sent_to_relay']} packets sent to the relay)"
            + (
                "; Home Assistant's start-up awaits this first attempt."
                if setup.get("within_component_setup")
                else "."
            )
        )
    blocking = results["blocking_call_detection"]
    parts.append(
        f"Blocking-call detection: {'on' if blocking['enabled'] else 'off'}, "
        f"{blocking['detected']} blocking call(s) in the event loop reported."
    )
    for note in [*_row_notes(results), *results.get("notes", [])]:
        parts.append(f"Note: {note}")
    parts.append(f"Runtime: {results['runtime_s']:.0f} s.")
    return "\n".join(parts)
