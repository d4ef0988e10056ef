"""Bad scenario files: exit code 2, file:line:col and a clear message, nothing written."""
import pytest

from conftest import ROOT

MALFORMED = ROOT / "tests" / "e2e" / "malformed"

# file -> (line:col, part of the message)
CASES = {
    "authority_not_a_pop.yaml": ("7:25", "`eu-3` is not a PoP of this topology"),
    "bad_engine_param.yaml": ("7:17", "allowed: wall, hlc, lamport"),
    "bad_rate.yaml": ("10:9", "expected a rate with a unit"),
    "bad_seeds.yaml": ("2:8", "A <= B"),
    "bad_syntax.yaml": ("4:1", "not valid YAML"),
    "disconnected_regions.yaml": ("3:3", "several regions need links"),
    "duplicate_key.yaml": ("6:1", "`engine` is given twice (first on line 4)"),
    "duplicate_region.yaml": ("5:14", "defined twice"),
    "duration_without_unit.yaml": ("2:11", "with a unit"),
    "engine_workload_mismatch.yaml": ("6:9", "engine `crdt.rga` serves text workloads, not counter"),
    "fault_in_quiet_phase.yaml": ("13:12", "out of range (allowed: 0ns to 7s)"),
    "loss_out_of_range.yaml": ("4:11", "1.5 is out of range"),
    "mobility_bad_within.yaml": ("6:33", "allowed: region, anywhere"),
    "mobility_without_every.yaml": ("6:13", "`every` (mean time between moves) is required"),
    "negative_pops.yaml": ("4:23", "-2 is out of range"),
    "no_regions.yaml": ("3:12", "non-empty list of regions"),
    "quiet_too_long.yaml": ("3:8", "must be shorter than the duration"),
    "top_level_list.yaml": ("1:1", "a scenario is a YAML map"),
    "two_actions.yaml": ("11:37", "one action per entry"),
    "unknown_engine.yaml": ("4:16", "`paxos` is not allowed (allowed: crdt.lww_map, crdt.mv_register"),
    "unknown_fault_target.yaml": ("12:14", "neither a region nor a PoP"),
    "unknown_latency_dist.yaml": ("4:21", "allowed: constant, uniform, normal, lognormal, pareto"),
    "unknown_top_key.yaml": ("9:1", "unknown key `worklaod`"),
}


def test_every_malformed_file_has_a_case():
    assert sorted(p.name for p in MALFORMED.glob("*.yaml")) == sorted(CASES)
    assert len(CASES) >= 10


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_reports_location(edgesim, name):
    location, message = CASES[name]
    path = MALFORMED / name
    result = edgesim("validate", path)
    assert result.returncode == 2
    assert f"{path}:{location}: error:" in result.stderr, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "terminate" not in result.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_refuses_and_writes_nothing(edgesim, tmp_path, name):
    history = tmp_path / "h.jsonl"
    report = tmp_path / "report"
    result = edgesim("run", MALFORMED / name, "--history", history, "--report", report)
    assert result.returncode == 2
    assert result.stdout == ""
    assert not history.exists() and not report.exists()
