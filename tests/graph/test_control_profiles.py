"""`/security/secureScoreControlProfiles` (list, query options, item, PATCH, errors) through the
stock msgraph-sdk, with raw HTTP where the SDK hides the status code or always fills a field."""

from __future__ import annotations

import asyncio
import datetime as dt
import numbers
import os
import uuid

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.secure_score_control_profile import SecureScoreControlProfile
from msgraph.generated.models.secure_score_control_profile_collection_response import (
    SecureScoreControlProfileCollectionResponse,
)
from msgraph.generated.models.security_vendor_information import SecurityVendorInformation
from msgraph.generated.security.secure_score_control_profiles.count.count_request_builder import (
    CountRequestBuilder,
)
from msgraph.generated.security.secure_score_control_profiles.secure_score_control_profiles_request_builder import (
    SecureScoreControlProfilesRequestBuilder,
)
from msgraph_core.tasks import PageIterator

# ---- Expected server behaviour (adjust here if the interpretation changes) -----------------------
ORG = os.environ.get("POSTURE_GRAPH_ORG", "contoso")
MIN_PROFILES = 100  # one profile per catalog action; the built-in catalog has 114
CATEGORIES = {"Identity", "Data", "Device", "Apps", "Infrastructure"}
VENDOR = {"provider": "SecureScore", "vendor": "Microsoft"}  # sent in PATCH bodies
VENDOR_PROVIDER = "SecureScore"  # vendorInformation.provider on returned entities
VENDOR_NAME = None  # vendorInformation.vendor on returned entities; None: any non-empty text
# id -> (controlCategory, service, maxScore) from the built-in catalog
KNOWN_PROFILES = {
    "AdminMFAV2": ("Identity", "AzureAD", 10.0),
    "BlockLegacyAuthentication": ("Identity", "AzureAD", 8.0),
    "scid_2016": ("Device", "MDATP", 8.0),
}
EXTERNALLY_MANAGED_ID = "scid_2016"  # Device category: state is managed in Defender, PATCH refused
UNKNOWN_ID = "NoSuchControl_0000"
# Each PATCH test gets its own profile so that no test sees another's state updates. Profiles whose
# data already earns every point are not eligible (the server refuses state changes on completed
# actions), nor are externally managed or Device ones; these ids are tried first, then the rest.
PATCH_ROLES = (
    "sdk_204",
    "sdk_representation",
    "beta",
    "raw_status",
    "spellings",
    "read_token",
    "no_vendor",
    "bad_token",
)
PREFERRED_PATCH_TARGETS = (
    "SelfServicePasswordReset",
    "SigninRiskPolicy",
    "UserRiskPolicy",
    "MFARegistrationV2",
    "AdminMFAV2",
    "PasswordHashSync",
    "OneAdmin",
    "IntegratedApps",
    "BlockLegacyAuthentication",
)
COMPLETED_STATE = "Completed"  # controlStateUpdates state the system records for a completed action
UNAUTHENTICATED = (401, "InvalidAuthenticationToken")
FORBIDDEN = (403, "accessDenied")
NOT_FOUND = (404, "itemNotFound")
BAD_REQUEST = (400, "badRequest")
EXTERNALLY_MANAGED = (400, None)  # None: any non-empty error code is accepted
UPDATE_CLOCK_SKEW = dt.timedelta(minutes=15)  # allowed distance of updatedDateTime from now
API_VERSIONS = ("v1.0", "beta")
# ---------------------------------------------------------------------------------------------------

QueryParameters = (
    SecureScoreControlProfilesRequestBuilder.SecureScoreControlProfilesRequestBuilderGetQueryParameters
)
ERROR_MAPPING = {"XXX": ODataError}


def run(coro):
    return asyncio.run(coro)


def query(**parameters) -> RequestConfiguration:
    return RequestConfiguration(query_parameters=QueryParameters(**parameters))


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def assert_odata_error(error: ODataError, expected: tuple[int, str | None]) -> None:
    status, code = expected
    assert error.response_status_code == status, error
    assert error.error is not None, "the error body has no `error` object"
    if code is None:
        assert error.error.code, "the error has no code"
    else:
        assert error.error.code == code
    assert error.error.message, "the error has no message"


async def list_all(client, config: RequestConfiguration | None = None) -> list[SecureScoreControlProfile]:
    """Every profile of a (possibly filtered or ordered) listing, across all pages."""
    first = await client.security.secure_score_control_profiles.get(config)
    assert isinstance(first, SecureScoreControlProfileCollectionResponse)
    iterator = PageIterator(first, client.request_adapter, error_mapping=ERROR_MAPPING)
    items: list[SecureScoreControlProfile] = []
    await iterator.iterate(lambda item: items.append(item) or True)
    return items


def state_body(
    state: str, comment: str, assigned_to: str = "secops@contoso.example", vendor: bool = True
) -> SecureScoreControlProfile:
    """The PATCH body as a Python Graph caller writes it: state keys in additional_data."""
    return SecureScoreControlProfile(
        vendor_information=(
            SecurityVendorInformation(provider=VENDOR["provider"], vendor=VENDOR["vendor"])
            if vendor
            else None
        ),
        additional_data={"state": state, "comment": comment, "assignedTo": assigned_to},
    )


def unique_comment(label: str) -> str:
    return f"{label} {uuid.uuid4()}"


def assert_last_update(profile: SecureScoreControlProfile, state: str, comment: str, assigned_to=None):
    updates = profile.control_state_updates
    assert updates, f"{profile.id} has no controlStateUpdates after the PATCH"
    last = updates[-1]
    assert isinstance(last.state, str) and last.state.casefold() == state.casefold(), last.state
    assert last.comment == comment
    if assigned_to is not None:
        assert last.assigned_to == assigned_to
    assert isinstance(last.updated_date_time, dt.datetime), last.updated_date_time
    assert last.updated_date_time.tzinfo is not None
    now = dt.datetime.now(dt.timezone.utc)
    assert abs(now - last.updated_date_time) < UPDATE_CLOCK_SKEW, last.updated_date_time
    stamped = [u.updated_date_time for u in updates if u.updated_date_time is not None]
    assert last.updated_date_time == max(stamped), "the last update is not the latest one"


def update_count(client_factory, token: str, profile_id: str) -> int:
    profile = run(
        client_factory(token)
        .security.secure_score_control_profiles.by_secure_score_control_profile_id(profile_id)
        .get()
    )
    return len(profile.control_state_updates or [])


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def media_type(response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


@pytest.fixture(scope="module")
def all_profiles(graph_client, read_token) -> list[SecureScoreControlProfile]:
    return run(list_all(graph_client(read_token)))


def patchable(profile: SecureScoreControlProfile) -> bool:
    """Open to a state change: not Device, not externally managed, not completed by the data.
    Uses the server's `status` extra when it sends one, else the last state and the percentage."""
    extras = profile.additional_data or {}
    if profile.control_category == "Device" or profile.id == EXTERNALLY_MANAGED_ID:
        return False
    if extras.get("externallyManaged") is True:
        return False
    if "status" in extras:
        return str(extras["status"]).casefold() != COMPLETED_STATE.casefold()
    updates = profile.control_state_updates or []
    if updates and str(updates[-1].state or "").casefold() == COMPLETED_STATE.casefold():
        return False
    return extras.get("scoreInPercentage") != 100


@pytest.fixture(scope="module")
def patch_targets(all_profiles) -> dict[str, str]:
    """Role -> profile id, distinct per role, all open to state changes."""
    by_id = {profile.id: profile for profile in all_profiles}
    ordered = [i for i in PREFERRED_PATCH_TARGETS if i in by_id] + sorted(
        i for i in by_id if i not in PREFERRED_PATCH_TARGETS
    )
    eligible = [i for i in ordered if patchable(by_id[i])]
    if len(eligible) < len(PATCH_ROLES):
        pytest.fail(f"only {len(eligible)} profiles are open to state changes: {eligible}")
    return dict(zip(PATCH_ROLES, eligible[: len(PATCH_ROLES)], strict=True))


# ---- list and item -------------------------------------------------------------------------------


def test_list_all_profiles(graph_client, read_token, all_profiles):
    async def body():
        client = graph_client(read_token)
        total = await client.security.secure_score_control_profiles.count.get()
        counted = await client.security.secure_score_control_profiles.get(query(count=True, top=1))
        return total, counted

    total, counted = run(body())
    ids = [profile.id for profile in all_profiles]
    assert len(ids) == len(set(ids)), "duplicate profiles across pages"
    assert len(ids) >= MIN_PROFILES
    assert total == len(ids)
    assert counted.odata_count == len(ids)
    assert len(counted.value) <= 1
    for profile in all_profiles:
        assert isinstance(profile.title, str) and profile.title, profile.id
        assert profile.control_category in CATEGORIES, (profile.id, profile.control_category)
        assert isinstance(profile.service, str) and profile.service, profile.id
        assert is_number(profile.max_score) and profile.max_score >= 0, profile.id
        assert isinstance(profile.azure_tenant_id, str) and profile.azure_tenant_id, profile.id
        assert profile.control_state_updates is None or isinstance(profile.control_state_updates, list), (
            profile.id
        )
    by_id = {profile.id: profile for profile in all_profiles}
    for profile_id, (category, service, max_score) in KNOWN_PROFILES.items():
        assert profile_id in by_id, f"{profile_id} missing"
        profile = by_id[profile_id]
        assert (profile.control_category, profile.service, profile.max_score) == (
            category,
            service,
            max_score,
        )


@pytest.mark.parametrize("version", API_VERSIONS)
def test_get_one_profile(graph_client, read_token, version):
    profile = run(
        graph_client(read_token, version)
        .security.secure_score_control_profiles.by_secure_score_control_profile_id("AdminMFAV2")
        .get()
    )
    assert isinstance(profile, SecureScoreControlProfile)
    assert profile.id == "AdminMFAV2"
    category, service, max_score = KNOWN_PROFILES["AdminMFAV2"]
    assert profile.control_category == category
    assert profile.service == service
    assert profile.max_score == max_score
    assert isinstance(profile.title, str) and profile.title
    for text in (profile.action_type, profile.tier, profile.user_impact, profile.implementation_cost):
        assert text is None or (isinstance(text, str) and text)
    assert profile.threats is None or all(isinstance(threat, str) for threat in profile.threats)
    assert profile.rank is None or type(profile.rank) is int
    assert profile.vendor_information is not None
    assert profile.vendor_information.provider == VENDOR_PROVIDER
    if VENDOR_NAME is None:
        assert isinstance(profile.vendor_information.vendor, str) and profile.vendor_information.vendor
    else:
        assert profile.vendor_information.vendor == VENDOR_NAME


def test_beta_lists_the_same_profiles(graph_client, read_token, all_profiles):
    beta = run(list_all(graph_client(read_token, "beta")))
    assert sorted(profile.id for profile in beta) == sorted(profile.id for profile in all_profiles)


# ---- query options -------------------------------------------------------------------------------

FILTERS = {
    "controlCategory eq 'Identity'": lambda p: p.control_category == "Identity",
    "service eq 'AzureAD' and maxScore ge 5": lambda p: p.service == "AzureAD" and p.max_score >= 5,
    "not (controlCategory eq 'Device')": lambda p: p.control_category != "Device",
    "service eq 'MDATP' and id eq 'scid_2016'": lambda p: p.service == "MDATP" and p.id == "scid_2016",
}


@pytest.mark.parametrize("expression", list(FILTERS))
@pytest.mark.parametrize("version", API_VERSIONS)
def test_filter(graph_client, read_token, all_profiles, expression, version):
    matched = run(list_all(graph_client(read_token, version), query(filter=expression)))
    ids = [profile.id for profile in matched]
    assert len(ids) == len(set(ids)), "duplicates across pages"
    expected = {profile.id for profile in all_profiles if FILTERS[expression](profile)}
    assert expected, "the filter matches nothing in the data set; the test would prove nothing"
    assert expected != {profile.id for profile in all_profiles}, "the filter excludes nothing"
    assert set(ids) == expected
    assert all(FILTERS[expression](profile) for profile in matched)


def test_count_segment_with_filter(graph_client, read_token, all_profiles):
    expression = "controlCategory eq 'Identity'"
    config = RequestConfiguration(
        query_parameters=CountRequestBuilder.CountRequestBuilderGetQueryParameters(filter=expression)
    )
    total = run(graph_client(read_token).security.secure_score_control_profiles.count.get(config))
    assert total == sum(1 for profile in all_profiles if FILTERS[expression](profile))


def test_select(graph_client, read_token, all_profiles):
    selected = run(list_all(graph_client(read_token), query(select=["id", "title", "maxScore"])))
    assert sorted(p.id for p in selected) == sorted(p.id for p in all_profiles)
    for profile in selected:
        assert profile.id and profile.title and is_number(profile.max_score), profile.id
        assert profile.control_category is None, profile.id
        assert profile.service is None, profile.id
        assert profile.azure_tenant_id is None, profile.id
        assert profile.control_state_updates is None, profile.id
        assert profile.vendor_information is None, profile.id
        assert profile.tier is None and profile.rank is None and profile.threats is None
        extras = {key for key in profile.additional_data if not key.startswith("@")}
        assert not extras, f"{profile.id}: unselected properties {sorted(extras)}"


@pytest.mark.parametrize("version", API_VERSIONS)
def test_orderby_max_score_desc(graph_client, read_token, all_profiles, version):
    ordered = run(list_all(graph_client(read_token, version), query(orderby=["maxScore desc"])))
    scores = [profile.max_score for profile in ordered]
    assert scores == sorted(scores, reverse=True)
    ids = [profile.id for profile in ordered]
    assert len(ids) == len(set(ids)), "duplicates across pages"
    assert sorted(ids) == sorted(profile.id for profile in all_profiles)


def test_top_and_skip(graph_client, read_token, all_profiles):
    async def body():
        client = graph_client(read_token)
        ten = await client.security.secure_score_control_profiles.get(query(top=10))
        five_after_five = await client.security.secure_score_control_profiles.get(query(top=5, skip=5))
        return ten, five_after_five

    ten, five_after_five = run(body())
    ids = [profile.id for profile in all_profiles]
    assert 0 < len(ten.value) <= 10
    assert [p.id for p in ten.value] == ids[: len(ten.value)]
    assert 0 < len(five_after_five.value) <= 5
    assert [p.id for p in five_after_five.value] == ids[5 : 5 + len(five_after_five.value)]


# ---- PATCH ---------------------------------------------------------------------------------------


def test_patch_reviewed_then_get(patch_targets, graph_client, write_token):
    profile_id = patch_targets["sdk_204"]
    comment = unique_comment("Reviewed with the identity team.")

    async def body():
        profiles = graph_client(write_token).security.secure_score_control_profiles
        item = profiles.by_secure_score_control_profile_id(profile_id)
        result = await item.patch(state_body("Reviewed", comment, "alice@contoso.example"))
        return result, await item.get()

    result, profile = run(body())
    assert result is None, "expected 204 No Content without Prefer: return=representation"
    assert profile.id == profile_id
    assert_last_update(profile, "Reviewed", comment, "alice@contoso.example")


def test_patch_with_return_representation(patch_targets, graph_client, write_token, read_token):
    profile_id = patch_targets["sdk_representation"]
    comment = unique_comment("Risk accepted until the migration ends.")
    config = RequestConfiguration()
    config.headers.add("Prefer", "return=representation")

    result = run(
        graph_client(write_token)
        .security.secure_score_control_profiles.by_secure_score_control_profile_id(profile_id)
        .patch(state_body("Ignored", comment), config)
    )
    assert isinstance(result, SecureScoreControlProfile), "expected 200 with the profile"
    assert result.id == profile_id
    assert result.title and result.control_category in CATEGORIES
    assert_last_update(result, "Ignored", comment)
    # A read token sees the same state afterwards.
    again = run(
        graph_client(read_token)
        .security.secure_score_control_profiles.by_secure_score_control_profile_id(profile_id)
        .get()
    )
    assert_last_update(again, "Ignored", comment)


def test_patch_on_beta_is_visible_on_v1(patch_targets, graph_client, write_token):
    profile_id = patch_targets["beta"]
    comment = unique_comment("Handled by a third-party product.")

    async def body():
        beta = graph_client(write_token, "beta").security.secure_score_control_profiles
        result = await beta.by_secure_score_control_profile_id(profile_id).patch(
            state_body("ThirdParty", comment)
        )
        v1 = graph_client(write_token, "v1.0").security.secure_score_control_profiles
        return result, await v1.by_secure_score_control_profile_id(profile_id).get()

    result, profile = run(body())
    assert result is None
    assert_last_update(profile, "ThirdParty", comment)


def test_patch_status_codes_on_the_wire(patch_targets, http, write_token):
    profile_id = patch_targets["raw_status"]
    path = f"/v1.0/security/secureScoreControlProfiles/{profile_id}"
    first_comment = unique_comment("Reviewed.")
    body = {"state": "Reviewed", "comment": first_comment, "vendorInformation": VENDOR}

    plain = http.patch(path, json=body, headers=auth(write_token))
    assert plain.status_code == 204, plain.text
    assert plain.content == b""

    second_comment = unique_comment("Back to default.")
    body = {"state": "Default", "comment": second_comment, "vendorInformation": VENDOR}
    represented = http.patch(
        path, json=body, headers={**auth(write_token), "Prefer": "return=representation"}
    )
    assert represented.status_code == 200, represented.text
    assert media_type(represented) == "application/json"
    returned = represented.json()
    assert returned["id"] == profile_id
    comments = [update["comment"] for update in returned["controlStateUpdates"]]
    assert comments[-2:] == [first_comment, second_comment]
    assert returned["controlStateUpdates"][-1]["state"].casefold() == "default"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            lambda c: {"state": "ignored", "comment": c, "vendorInformation": VENDOR}, id="lower-camel-state"
        ),
        pytest.param(
            lambda c: {
                "State": "thirdParty",
                "Comment": c,
                "AssignedTo": "bob@contoso.example",
                "VendorInformation": {"Provider": "SecureScore", "Vendor": "Microsoft"},
            },
            id="pascal-case-keys",
        ),
    ],
)
def test_patch_accepts_client_spellings(patch_targets, http, write_token, graph_client, body):
    profile_id = patch_targets["spellings"]
    comment = unique_comment("spelling")
    payload = body(comment)
    response = http.patch(
        f"/v1.0/security/secureScoreControlProfiles/{profile_id}", json=payload, headers=auth(write_token)
    )
    assert response.status_code == 204, response.text
    state = payload.get("state") or payload["State"]
    profile = run(
        graph_client(write_token)
        .security.secure_score_control_profiles.by_secure_score_control_profile_id(profile_id)
        .get()
    )
    assert_last_update(profile, state, comment)


# ---- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", API_VERSIONS)
def test_unknown_profile_is_404(graph_client, read_token, version):
    with pytest.raises(ODataError) as caught:
        run(
            graph_client(read_token, version)
            .security.secure_score_control_profiles.by_secure_score_control_profile_id(UNKNOWN_ID)
            .get()
        )
    assert_odata_error(caught.value, NOT_FOUND)


def test_patch_unknown_profile_is_404(graph_client, write_token):
    with pytest.raises(ODataError) as caught:
        run(
            graph_client(write_token)
            .security.secure_score_control_profiles.by_secure_score_control_profile_id(UNKNOWN_ID)
            .patch(state_body("Reviewed", "nothing to review"))
        )
    assert_odata_error(caught.value, NOT_FOUND)


@pytest.mark.parametrize("version", API_VERSIONS)
def test_patch_with_read_token_is_403(patch_targets, graph_client, read_token, version):
    profile_id = patch_targets["read_token"]
    before = update_count(graph_client, read_token, profile_id)
    with pytest.raises(ODataError) as caught:
        run(
            graph_client(read_token, version)
            .security.secure_score_control_profiles.by_secure_score_control_profile_id(profile_id)
            .patch(state_body("Ignored", "read tokens cannot write"))
        )
    assert_odata_error(caught.value, FORBIDDEN)
    assert update_count(graph_client, read_token, profile_id) == before


def test_patch_with_bad_token_is_401(patch_targets, graph_client, read_token):
    profile_id = patch_targets["bad_token"]
    before = update_count(graph_client, read_token, profile_id)
    with pytest.raises(ODataError) as caught:
        run(
            graph_client("not-a-token")
            .security.secure_score_control_profiles.by_secure_score_control_profile_id(profile_id)
            .patch(state_body("Ignored", "no"))
        )
    assert_odata_error(caught.value, UNAUTHENTICATED)
    assert update_count(graph_client, read_token, profile_id) == before


def test_patch_externally_managed_action_is_400(graph_client, write_token):
    before = update_count(graph_client, write_token, EXTERNALLY_MANAGED_ID)
    with pytest.raises(ODataError) as caught:
        run(
            graph_client(write_token)
            .security.secure_score_control_profiles.by_secure_score_control_profile_id(EXTERNALLY_MANAGED_ID)
            .patch(state_body("Ignored", "managed in Defender"))
        )
    assert_odata_error(caught.value, EXTERNALLY_MANAGED)
    assert update_count(graph_client, write_token, EXTERNALLY_MANAGED_ID) == before


def test_patch_without_vendor_information_is_400(patch_targets, graph_client, write_token):
    profile_id = patch_targets["no_vendor"]
    before = update_count(graph_client, write_token, profile_id)
    with pytest.raises(ODataError) as caught:
        run(
            graph_client(write_token)
            .security.secure_score_control_profiles.by_secure_score_control_profile_id(profile_id)
            .patch(state_body("Reviewed", "no vendor", vendor=False))
        )
    assert_odata_error(caught.value, BAD_REQUEST)
    assert update_count(graph_client, write_token, profile_id) == before


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"state": "Reviewed", "comment": "x"}, id="no-vendorInformation"),
        pytest.param({"state": "Reviewed", "vendorInformation": {"vendor": "Microsoft"}}, id="no-provider"),
        pytest.param({"state": "Reviewed", "vendorInformation": {"provider": "SecureScore"}}, id="no-vendor"),
    ],
)
def test_raw_patch_with_incomplete_vendor_information_is_400(
    patch_targets, http, graph_client, write_token, payload
):
    profile_id = patch_targets["no_vendor"]
    before = update_count(graph_client, write_token, profile_id)
    response = http.patch(
        f"/v1.0/security/secureScoreControlProfiles/{profile_id}", json=payload, headers=auth(write_token)
    )
    assert response.status_code == BAD_REQUEST[0], response.text
    assert media_type(response) == "application/json"
    assert response.json()["error"]["code"] == BAD_REQUEST[1]
    assert update_count(graph_client, write_token, profile_id) == before


@pytest.mark.parametrize(
    "expression",
    ["contains(title,'MFA')", "controlCategory eq"],
)
def test_unsupported_filter_is_400(graph_client, read_token, expression):
    with pytest.raises(ODataError) as caught:
        run(graph_client(read_token).security.secure_score_control_profiles.get(query(filter=expression)))
    assert_odata_error(caught.value, BAD_REQUEST)


def test_top_not_a_number_is_400(http, read_token):
    response = http.get("/v1.0/security/secureScoreControlProfiles?$top=abc", headers=auth(read_token))
    assert response.status_code == BAD_REQUEST[0], response.text
    assert media_type(response) == "application/json"
    assert response.json()["error"]["code"] == BAD_REQUEST[1]
