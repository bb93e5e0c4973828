"""``rtcm_roadmap``: the printable HTML, CSV and XLSX files, for every course run or the chosen ones."""
import pytest
from django.core.management import CommandError, call_command

from tests.roadmap.seeding import COURSE_1, COURSE_2, seed


@pytest.fixture
def seeded(db):  # pylint: disable=unused-argument,invalid-name
    seed()


def test_the_command_writes_the_three_files_over_every_course_run(tmp_path, seeded, capsys):
    call_command("rtcm_roadmap", "--output", str(tmp_path / "out"))
    written = capsys.readouterr().out.split()
    assert [path.rsplit("/", 1)[1] for path in written] == ["rtcm-roadmap.html", "rtcm-roadmap.csv", "rtcm-roadmap.xlsx"]
    html = (tmp_path / "out" / "rtcm-roadmap.html").read_text(encoding="utf-8")
    assert "13 respondents in 2 assessments of 2 course runs." in html
    assert "<style>" in html and "<script" not in html and "<link" not in html  # self-contained
    assert "@media print" in html
    assert "my secret role" not in html
    assert (tmp_path / "out" / "rtcm-roadmap.xlsx").read_bytes().startswith(b"PK")


def test_chosen_runs_formats_and_a_right_to_left_language(tmp_path, seeded):
    call_command("rtcm_roadmap", "--output", str(tmp_path), "--course", COURSE_2, "--format", "html", "--language", "fa")
    assert [path.name for path in tmp_path.iterdir()] == ["rtcm-roadmap.html"]
    html = (tmp_path / "rtcm-roadmap.html").read_text(encoding="utf-8")
    assert 'lang="fa" dir="rtl"' in html
    assert "7 respondents in 1 assessments of 1 course runs." in html or "7" in html


def test_a_larger_smallest_group_withholds_more_and_bad_options_are_refused(tmp_path, seeded):
    call_command("rtcm_roadmap", "--output", str(tmp_path), "--format", "csv", "--min-group-size", "7")
    text = (tmp_path / "rtcm-roadmap.csv").read_text(encoding="utf-8-sig")
    assert ",Kazakhstan,7," in text and "Georgia" not in text
    with pytest.raises(CommandError, match="course-v1:NOPE"):
        call_command("rtcm_roadmap", "--output", str(tmp_path), "--course", COURSE_1, "--course", "course-v1:NOPE+X+Y")
    with pytest.raises(CommandError, match="1 or more"):
        call_command("rtcm_roadmap", "--output", str(tmp_path), "--min-group-size", "0")


def test_the_workbench_demo_cohort_feeds_the_roadmap_with_needs_trend_and_change(db, tmp_path, capsys):  # pylint: disable=unused-argument
    call_command("rtcm_seed_roadmap", "--runs", "2")
    assert "4 self-assessment blocks seeded" in capsys.readouterr().out
    call_command("rtcm_roadmap", "--output", str(tmp_path), "--format", "csv")
    text = (tmp_path / "rtcm-roadmap.csv").read_text(encoding="utf-8-sig")
    assert text.count("\ntrend,rtcm-default,") >= 20 and "2025-Q3" in text and "2026-Q1" in text
    assert "\nchange," in text and ",Georgia," in text and "never in the roadmap" not in text
