"""The council configuration: documented defaults, the council's own settings on top, clear refusals."""

from __future__ import annotations

import pytest

from clearsight.indicators.config import ConfigError, default_config, load_config, make_config


def test_defaults_are_those_documented():
    config = default_config()
    assert config["cp_visits.standard_wd"] == 10
    assert config["cp_visits.critical_wd"] == 20
    assert config["care_leavers.kpi_min_age"] == 17
    assert config["supervision.case_interval_days"] == 28


def test_a_council_file_overrides_only_what_it_names(tmp_path):
    (tmp_path / "config.yml").write_text(
        "cp_visits:\n  standard_wd: 15\nindicators:\n  asmt_45wd: {target: 85}\n", encoding="utf-8"
    )
    config = load_config(tmp_path)
    assert config["cp_visits.standard_wd"] == 15
    assert config["cp_visits.critical_wd"] == 20
    assert config.indicator("asmt_45wd") == {"target": 85}
    assert config.version != default_config().version


def test_no_file_means_the_defaults(tmp_path):
    assert load_config(tmp_path).version == default_config().version


def test_a_misspelt_setting_is_refused_by_name(tmp_path):
    (tmp_path / "config.yml").write_text("cp_visit:\n  standard_wd: 15\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.yml: cp_visit\.standard_wd is not a setting"):
        load_config(tmp_path)


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    (tmp_path / "config.yml").write_text("cp_visits: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read as YAML"):
        load_config(tmp_path)


def test_dotted_keys_are_accepted():
    assert make_config({"visits.count_unknown_seen.ssd": True})["visits.count_unknown_seen"] == {
        "ssd": True,
        "annex_a": True,
    }
