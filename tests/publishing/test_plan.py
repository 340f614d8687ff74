"""The publication plan (pure): which months are created, replaced, kept or de-duplicated."""

from __future__ import annotations

from ckanext.openup.publishing.local_files import MonthlyFile
from ckanext.openup.publishing.plan import (
    CREATE,
    CREATE_DATASET,
    FINISH_DATASET,
    KEEP,
    KEEP_DATASET,
    REMOVE_DUPLICATE,
    REPLACE,
    UPDATE_DATASET,
    months_missing,
    plan_publication,
)

SPEC = "https://lankadedata.se/spec/leverantorsreskontra/1.1"


def monthly(month: str, sha256: str = "a" * 64, size: int = 100) -> MonthlyFile:
    return MonthlyFile(f"/prepared/ledger-{month}.csv", month, 10, f"{month}-01", f"{month}-28", size, sha256, SPEC,
                       "text/csv")


def uploaded(resource_id: str, month: str | None, sha256: str = "a" * 64, size: int = 100, **extra) -> dict:
    resource = {"id": resource_id, "period": month, "name": month, "hash": sha256, "size": size,
                "hash_algorithm": "sha256", "url_type": "upload", "url": "http://site/x.csv"}
    return {**resource, **extra}


def kinds(plan) -> list[tuple[str, str]]:
    return [(action.month, action.kind) for action in plan.months]


def test_without_a_dataset_everything_is_created():
    plan = plan_publication(None, [monthly("2025-01"), monthly("2025-02")])
    assert plan.dataset_action == CREATE_DATASET
    assert kinds(plan) == [("2025-01", CREATE), ("2025-02", CREATE)]


def test_same_checksum_and_size_is_kept_and_the_dataset_untouched():
    dataset = {"state": "active", "resources": [uploaded("r1", "2025-01")]}
    plan = plan_publication(dataset, [monthly("2025-01")])
    assert kinds(plan) == [("2025-01", KEEP)]
    assert plan.dataset_action == KEEP_DATASET and not plan.changes_anything


def test_a_changed_checksum_or_size_replaces_the_same_resource():
    dataset = {"state": "active", "resources": [uploaded("r1", "2025-01"), uploaded("r2", "2025-02", size=99)]}
    plan = plan_publication(dataset, [monthly("2025-01", sha256="b" * 64), monthly("2025-02")])
    assert kinds(plan) == [("2025-01", REPLACE), ("2025-02", REPLACE)]
    assert [action.resource_id for action in plan.months] == ["r1", "r2"]
    assert plan.dataset_action == UPDATE_DATASET


def test_months_on_the_site_without_a_local_file_are_left_alone():
    dataset = {"state": "active", "resources": [uploaded("r1", "2025-01"), uploaded("r2", "2025-02")]}
    plan = plan_publication(dataset, [monthly("2025-03")])
    assert kinds(plan) == [("2025-03", CREATE)]


def test_a_second_copy_of_a_month_is_removed_keeping_the_current_one():
    dataset = {"state": "active", "resources": [uploaded("old", "2025-01", sha256="c" * 64), uploaded("r1", "2025-01")]}
    plan = plan_publication(dataset, [monthly("2025-01")])
    assert kinds(plan) == [("2025-01", KEEP), ("2025-01", REMOVE_DUPLICATE)]
    assert plan.months[1].resource_id == "old"


def test_a_resource_named_by_its_month_is_found_without_a_period():
    dataset = {"state": "active", "resources": [uploaded("r1", None, name="2025-01")]}
    assert kinds(plan_publication(dataset, [monthly("2025-01")])) == [("2025-01", KEEP)]


def test_switching_between_upload_and_link_replaces():
    dataset = {"state": "active", "resources": [uploaded("r1", "2025-01")]}
    plan = plan_publication(dataset, [monthly("2025-01")], link_base="https://files.example.se/invoices")
    assert kinds(plan) == [("2025-01", REPLACE)]
    assert plan.months[0].link_url == "https://files.example.se/invoices/ledger-2025-01.csv"
    linked = uploaded("r1", "2025-01", url_type="", url=plan.months[0].link_url)
    again = plan_publication({"state": "active", "resources": [linked]}, [monthly("2025-01")],
                             link_base="https://files.example.se/invoices/")
    assert kinds(again) == [("2025-01", KEEP)]


def test_a_draft_left_by_an_interrupted_run_is_finished_even_when_every_month_is_in():
    dataset = {"state": "draft", "resources": [uploaded("r1", "2025-01")]}
    plan = plan_publication(dataset, [monthly("2025-01")])
    assert plan.dataset_action == FINISH_DATASET and plan.changes_anything


def test_a_dataset_without_a_month_yet_is_filled_out_of_sight_like_a_new_one():
    for dataset in ({"state": "active", "private": False, "resources": []}, {"state": "active", "private": True}):
        assert plan_publication(dataset, [monthly("2025-01")]).dataset_action == FINISH_DATASET


def test_a_private_year_with_months_is_updated_not_finished():
    dataset = {"state": "active", "private": True, "resources": [uploaded("r1", "2025-01")]}
    assert plan_publication(dataset, [monthly("2025-02")]).dataset_action == UPDATE_DATASET


def test_months_missing_are_those_still_to_create_or_replace_as_the_site_is_now():
    plan = plan_publication(None, [monthly("2025-01"), monthly("2025-02"), monthly("2025-03", sha256="c" * 64)])
    now = {"resources": [uploaded("r1", "2025-01"), uploaded("r3", "2025-03")]}  # March holds an older file
    assert months_missing(now, plan.months) == ["2025-02", "2025-03"]
