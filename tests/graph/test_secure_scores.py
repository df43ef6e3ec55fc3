"""`/security/secureScores` through the stock msgraph-sdk (and raw HTTP where the SDK hides details)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import numbers
import os
import re

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.average_comparative_score import AverageComparativeScore
from msgraph.generated.models.control_score import ControlScore
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.secure_score import SecureScore
from msgraph.generated.models.secure_score_collection_response import SecureScoreCollectionResponse
from msgraph.generated.security.secure_scores.secure_scores_request_builder import (
    SecureScoresRequestBuilder,
)
from msgraph_core.tasks import PageIterator

# ---- Expected server behaviour (adjust here if the interpretation changes) -----------------------
ORG = os.environ.get("POSTURE_GRAPH_ORG", "contoso")
MIN_HISTORY_DAYS = 90  # the demo organization has ~120 daily snapshots
# OData semantics: $top=N caps the whole result (a nextLink appears inside those N only when the
# server's page size is smaller). False: $top=N is a page size and nextLinks run to the end.
TOP_LIMITS_RESULTS = True
CURRENT_SCORE_IS_SUM_OF_CONTROL_SCORES = True
# Cohort averages are left out below a minimum number of organizations; the demo seeds anonymous
# peers in the demo organization's seat band, so its newest entry carries the band's average.
REQUIRE_AVERAGE_COMPARATIVE_SCORES = True
UNAUTHENTICATED = (401, "InvalidAuthenticationToken")
NOT_FOUND = (404, "itemNotFound")
BAD_REQUEST = (400, "badRequest")
CATEGORIES = {"Identity", "Data", "Device", "Apps", "Infrastructure"}
VENDOR_PROVIDER = "SecureScore"  # vendorInformation.provider on returned entities
VENDOR_NAME = None  # vendorInformation.vendor on returned entities; None: any non-empty text
API_VERSIONS = ("v1.0", "beta")
MAX_PAGES = 200
# ---------------------------------------------------------------------------------------------------

ID_PATTERN = re.compile(re.escape(ORG) + r"_(\d{4}-\d{2}-\d{2})")
QueryParameters = SecureScoresRequestBuilder.SecureScoresRequestBuilderGetQueryParameters


def run(coro):
    return asyncio.run(coro)


def query(**parameters) -> RequestConfiguration:
    return RequestConfiguration(query_parameters=QueryParameters(**parameters))


def id_date(score_id: str) -> dt.date:
    match = ID_PATTERN.fullmatch(score_id or "")
    assert match, f"id {score_id!r} is not of the form {ORG}_yyyy-MM-dd"
    return dt.date.fromisoformat(match.group(1))


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


async def follow_next_links(client, first: SecureScoreCollectionResponse) -> list[list[SecureScore]]:
    """Every page, starting with `first`, by GETting each @odata.nextLink as is."""
    pages = [first.value or []]
    seen_links = set()
    link = first.odata_next_link
    while link:
        assert link.startswith(("http://", "https://")), f"nextLink is not absolute: {link}"
        assert link not in seen_links, f"nextLink repeats: {link}"
        assert len(pages) < MAX_PAGES, "too many pages"
        seen_links.add(link)
        page = await client.security.secure_scores.with_url(link).get()
        assert page is not None
        pages.append(page.value or [])
        link = page.odata_next_link
    return pages


def assert_odata_error(error: ODataError, expected: tuple[int, str]) -> None:
    status, code = expected
    assert error.response_status_code == status, error
    assert error.error is not None, "the error body has no `error` object"
    assert error.error.code == code
    assert error.error.message, "the error has no message"


@pytest.fixture(scope="module")
def all_scores(graph_client, read_token) -> list[SecureScore]:
    """The whole collection, in server order, by following nextLinks by hand."""

    async def body():
        client = graph_client(read_token)
        first = await client.security.secure_scores.get()
        assert first is not None
        return [score for page in await follow_next_links(client, first) for score in page]

    scores = run(body())
    assert len(scores) >= MIN_HISTORY_DAYS
    return scores


# ---- list and item -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", API_VERSIONS)
def test_list_ids_are_org_and_day_newest_first(graph_client, read_token, version):
    result = run(graph_client(read_token, version).security.secure_scores.get())
    assert isinstance(result, SecureScoreCollectionResponse)
    assert result.value, "no secure scores"
    dates = [id_date(score.id) for score in result.value]
    assert dates == sorted(dates, reverse=True), "not sorted newest first"
    assert len(set(dates)) == len(dates), "two snapshots for one day"
    for score in result.value:
        assert isinstance(score.created_date_time, dt.datetime)
        assert score.created_date_time.tzinfo is not None, "createdDateTime lacks a time zone"
        assert score.created_date_time.astimezone(dt.timezone.utc).date() == id_date(score.id)


def test_whole_history_is_daily_and_ordered(all_scores):
    dates = [id_date(score.id) for score in all_scores]
    assert dates == sorted(dates, reverse=True)
    assert len(set(dates)) == len(dates), "duplicate days across pages"
    assert dates[0] - dates[-1] == dt.timedelta(days=len(dates) - 1), "gaps in the daily history"


def test_score_fields(all_scores):
    for score in all_scores:
        assert is_number(score.current_score) and is_number(score.max_score), score.id
        assert 0 <= score.current_score <= score.max_score, score.id
        assert score.max_score > 0, score.id
        assert isinstance(score.azure_tenant_id, str) and score.azure_tenant_id, score.id
        assert isinstance(score.enabled_services, list), score.id
        assert all(isinstance(service, str) for service in score.enabled_services), score.id
        assert score.vendor_information is not None, score.id
        assert score.vendor_information.provider == VENDOR_PROVIDER
        if VENDOR_NAME is None:
            assert isinstance(score.vendor_information.vendor, str) and score.vendor_information.vendor
        else:
            assert score.vendor_information.vendor == VENDOR_NAME


def test_int32_fields_are_ints(all_scores):
    # kiota's get_int_value yields None for 17.0, so a float on the wire shows up here as None.
    for score in all_scores:
        assert type(score.active_user_count) is int, (score.id, score.active_user_count)
        assert type(score.licensed_user_count) is int, (score.id, score.licensed_user_count)
        assert score.active_user_count >= 0 and score.licensed_user_count >= 0


def test_control_scores(all_scores):
    for score in all_scores[:7]:
        assert score.control_scores, f"{score.id} has no controlScores"
        names = set()
        for control in score.control_scores:
            assert isinstance(control, ControlScore)
            assert isinstance(control.control_name, str) and control.control_name
            assert control.control_name not in names, f"{score.id}: {control.control_name} twice"
            names.add(control.control_name)
            assert control.control_category in CATEGORIES, control.control_name
            assert is_number(control.score) and control.score >= 0, control.control_name
            percentage = control.additional_data.get("scoreInPercentage")
            assert is_number(percentage), (control.control_name, control.additional_data)
            assert 0 <= percentage <= 100, control.control_name
        if CURRENT_SCORE_IS_SUM_OF_CONTROL_SCORES:
            total = sum(control.score for control in score.control_scores)
            tolerance = 0.01 * (len(score.control_scores) + 1)
            assert score.current_score == pytest.approx(total, abs=tolerance), score.id


def test_control_names_are_profile_ids(graph_client, read_token, all_scores):
    async def body():
        client = graph_client(read_token)
        first = await client.security.secure_score_control_profiles.get()
        iterator = PageIterator(first, client.request_adapter, error_mapping={"XXX": ODataError})
        profiles = []
        await iterator.iterate(lambda item: profiles.append(item) or True)
        return {profile.id for profile in profiles}

    profile_ids = run(body())
    unknown = {control.control_name for control in all_scores[0].control_scores} - profile_ids
    assert not unknown, f"controlScores without a control profile: {sorted(unknown)}"


def test_average_comparative_scores(all_scores):
    for score in all_scores:
        assert isinstance(score.average_comparative_scores, list), score.id
    latest = all_scores[0]
    if REQUIRE_AVERAGE_COMPARATIVE_SCORES:
        assert latest.average_comparative_scores, "no averageComparativeScores"
    for average in latest.average_comparative_scores:
        assert isinstance(average, AverageComparativeScore)
        assert isinstance(average.basis, str) and average.basis
        assert is_number(average.average_score), average.basis
        assert isinstance(average.additional_data, dict)


@pytest.mark.parametrize("version", API_VERSIONS)
def test_get_by_id(graph_client, read_token, all_scores, version):
    wanted = all_scores[3]
    score = run(graph_client(read_token, version).security.secure_scores.by_secure_score_id(wanted.id).get())
    assert isinstance(score, SecureScore)
    assert score.id == wanted.id
    assert score.current_score == wanted.current_score
    assert score.max_score == wanted.max_score
    assert score.created_date_time == wanted.created_date_time
    assert [c.control_name for c in score.control_scores] == [c.control_name for c in wanted.control_scores]


def test_beta_serves_the_same_collection(graph_client, read_token):
    async def body():
        v1 = await graph_client(read_token, "v1.0").security.secure_scores.get(query(top=10))
        beta = await graph_client(read_token, "beta").security.secure_scores.get(query(top=10))
        return v1, beta

    v1, beta = run(body())
    assert [s.id for s in beta.value] == [s.id for s in v1.value]
    assert [s.current_score for s in beta.value] == [s.current_score for s in v1.value]


# ---- paging and query options --------------------------------------------------------------------


def test_page_iterator_collects_everything_once(graph_client, read_token, all_scores):
    async def body():
        client = graph_client(read_token)
        first = await client.security.secure_scores.get()
        iterator = PageIterator(first, client.request_adapter, error_mapping={"XXX": ODataError})
        collected = []
        await iterator.iterate(lambda item: collected.append(item) or True)
        count = await client.security.secure_scores.count.get()
        return collected, count

    collected, count = run(body())
    ids = [score.id for score in collected]
    assert len(ids) == len(set(ids)), "duplicates across pages"
    assert len(ids) == count
    assert ids == [score.id for score in all_scores]
    assert all(isinstance(score, SecureScore) for score in collected)


def test_top_30_pages(graph_client, read_token, all_scores):
    """Pages of 30 cover the collection exactly once (client-driven $skip windows when $top caps
    the result, nextLinks otherwise)."""

    async def body():
        client = graph_client(read_token)
        windows = []
        skip = 0
        while len(windows) < MAX_PAGES:
            first = await client.security.secure_scores.get(query(top=30, skip=skip or None))
            pages = await follow_next_links(client, first)
            windows.append(pages)
            if not TOP_LIMITS_RESULTS or not any(pages):
                break
            skip += 30
        return windows

    windows = run(body())
    for pages in windows:
        assert all(len(page) <= 30 for page in pages), [len(page) for page in pages]
    ids = [score.id for pages in windows for page in pages for score in page]
    assert len(ids) == len(set(ids)), "duplicates across pages"
    assert ids == [score.id for score in all_scores]
    if TOP_LIMITS_RESULTS:
        sizes = [sum(len(page) for page in pages) for pages in windows]
        expected = [min(30, len(all_scores) - 30 * i) for i in range(len(windows))]
        assert sizes == expected, "a $top=30 window did not hold exactly 30 (or the rest)"


def test_top_1_is_the_newest(graph_client, read_token, all_scores):
    result = run(graph_client(read_token).security.secure_scores.get(query(top=1)))
    assert [score.id for score in result.value] == [all_scores[0].id]


def test_skip(graph_client, read_token, all_scores):
    async def body():
        client = graph_client(read_token)
        one = await client.security.secure_scores.get(query(top=1, skip=7))
        rest = await client.security.secure_scores.get(query(skip=7))
        return one, rest

    one, rest = run(body())
    assert [score.id for score in one.value] == [all_scores[7].id]
    assert rest.value and rest.value[0].id == all_scores[7].id


@pytest.mark.parametrize("version", API_VERSIONS)
def test_count(graph_client, read_token, all_scores, version):
    async def body():
        client = graph_client(read_token, version)
        counted = await client.security.secure_scores.get(query(count=True, top=5))
        plain = await client.security.secure_scores.get(query(top=5))
        total = await client.security.secure_scores.count.get()
        return counted, plain, total

    counted, plain, total = run(body())
    assert total == len(all_scores)
    assert counted.odata_count == len(all_scores)
    assert len(counted.value) <= 5
    assert plain.odata_count is None, "@odata.count without $count=true"


def test_select(graph_client, read_token, all_scores):
    result = run(
        graph_client(read_token).security.secure_scores.get(
            query(top=3, select=["id", "currentScore", "createdDateTime"])
        )
    )
    assert [score.id for score in result.value] == [score.id for score in all_scores[:3]]
    for score in result.value:
        assert score.current_score is not None and score.created_date_time is not None
        assert score.max_score is None
        assert score.control_scores is None
        assert score.average_comparative_scores is None
        assert score.active_user_count is None


def test_filter_by_id(graph_client, read_token, all_scores):
    wanted = all_scores[10].id
    result = run(graph_client(read_token).security.secure_scores.get(query(filter=f"id eq '{wanted}'")))
    assert [score.id for score in result.value] == [wanted]


def test_orderby_created_ascending(graph_client, read_token, all_scores):
    result = run(
        graph_client(read_token).security.secure_scores.get(query(top=5, orderby=["createdDateTime asc"]))
    )
    assert [score.id for score in result.value] == [score.id for score in all_scores[::-1][:5]]


# ---- errors --------------------------------------------------------------------------------------


def test_unknown_id_is_404(graph_client, read_token):
    with pytest.raises(ODataError) as caught:
        run(graph_client(read_token).security.secure_scores.by_secure_score_id(f"{ORG}_1999-01-01").get())
    assert_odata_error(caught.value, NOT_FOUND)


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    first = "A" if signature[0] != "A" else "B"
    return ".".join([header, payload, first + signature[1:]])


@pytest.mark.parametrize("kind", ["missing", "garbage", "bad-signature"])
@pytest.mark.parametrize("version", API_VERSIONS)
def test_bad_token_is_401(graph_client, read_token, kind, version):
    token = {"missing": None, "garbage": "not-a-token", "bad-signature": tampered(read_token)}[kind]
    with pytest.raises(ODataError) as caught:
        run(graph_client(token, version).security.secure_scores.get())
    assert_odata_error(caught.value, UNAUTHENTICATED)


def test_top_not_a_number_is_400(http, read_token):
    response = http.get(
        "/v1.0/security/secureScores?$top=abc",
        headers={"Authorization": f"Bearer {read_token}"},
    )
    assert response.status_code == BAD_REQUEST[0], response.text
    assert response.headers["content-type"].split(";")[0].strip() == "application/json"
    assert response.json()["error"]["code"] == BAD_REQUEST[1]


# ---- wire details below the SDK ------------------------------------------------------------------


def test_wire_json_types(http, read_token):
    response = http.get(
        "/v1.0/security/secureScores?$top=3",
        headers={"Authorization": f"Bearer {read_token}", "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0].strip() == "application/json"
    body = json.loads(response.text)
    assert isinstance(body["value"], list) and body["value"]
    for item in body["value"]:
        assert type(item["activeUserCount"]) is int
        assert type(item["licensedUserCount"]) is int
        assert type(item["currentScore"]) in (int, float)
        assert type(item["maxScore"]) in (int, float)
        assert re.fullmatch(
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", item["createdDateTime"]
        ), item["createdDateTime"]


def test_percent_encoded_option_names(http, read_token):
    # Other Graph clients send `%24top` instead of `$top`.
    response = http.get(
        "/v1.0/security/secureScores?%24top=2&%24skip=1",
        headers={"Authorization": f"Bearer {read_token}"},
    )
    assert response.status_code == 200, response.text
    plain = http.get(
        "/v1.0/security/secureScores?$top=2&$skip=1",
        headers={"Authorization": f"Bearer {read_token}"},
    )
    ids = [item["id"] for item in response.json()["value"]]
    assert len(ids) == 2
    assert ids == [item["id"] for item in plain.json()["value"]]


def test_count_segment_is_text_plain(http, read_token, all_scores):
    response = http.get(
        "/v1.0/security/secureScores/$count",
        headers={"Authorization": f"Bearer {read_token}"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0].strip() == "text/plain"
    assert response.text.strip() == str(len(all_scores))


def test_error_body_is_graph_shaped_json(http, read_token):
    response = http.get(
        f"/v1.0/security/secureScores/{ORG}_1999-01-01",
        headers={"Authorization": f"Bearer {read_token}"},
    )
    assert response.status_code == NOT_FOUND[0]
    assert response.headers["content-type"].split(";")[0].strip() == "application/json"
    error = response.json()["error"]
    assert error["code"] == NOT_FOUND[1]
    assert isinstance(error["message"], str) and error["message"]
