"""Sign in with Hugging Face: the settings from a Space's variables, who organizes, and the whole
flow in headless Chromium against a real OIDC provider on 127.0.0.1 (oidc-provider-mock)."""

import json
import re
from urllib.parse import quote

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer
from oidc_provider_mock import run_server_in_thread

from data.config import DEFAULT_CONFIG, OrganizersConfig, load_config, load_secrets
from data.feeds.sign_in import Membership, auth_settings, is_organizer
from tests.app_env import demo_ranking
from tests.servers.argilla_process import free_port
from tests.servers.hub_server import HubServer
from tests.streamlit_process import StreamlitApp, wait_for_app
from tests.waiting import wait_until

pytestmark = pytest.mark.long

CLIENT_SECRET = "oauth-client-secret-sentinel-93f1c0ffee"
COOKIE_SECRET = "cookie-secret-for-the-test-0123456789abcdef"
ORG = "org-tablero"


def test_a_space_environment_configures_sign_in():
    env = {
        "OAUTH_CLIENT_ID": "abc",
        "OAUTH_CLIENT_SECRET": CLIENT_SECRET,
        "OAUTH_SCOPES": "openid profile",
        "OPENID_PROVIDER_URL": "https://huggingface.co",
        "SPACE_HOST": "somosnlp-tablero.hf.space",
    }
    section = auth_settings(load_secrets(env))
    assert section["redirect_uri"] == "https://somosnlp-tablero.hf.space/oauth2callback"
    assert section["server_metadata_url"] == "https://huggingface.co/.well-known/openid-configuration"
    assert section["client_kwargs"] == {"scope": "openid profile"}
    derived = section["cookie_secret"]
    assert derived and CLIENT_SECRET not in derived and derived == auth_settings(load_secrets(env))["cookie_secret"]
    assert auth_settings(load_secrets({**env, "AUTH_COOKIE_SECRET": COOKIE_SECRET}))["cookie_secret"] == COOKIE_SECRET
    assert auth_settings(load_secrets({})) is None
    assert auth_settings(load_secrets({k: v for k, v in env.items() if k != "SPACE_HOST"})) is None  # no address


@pytest.mark.parametrize(
    "orgs, admitted",
    [
        ([{"preferred_username": ORG, "roleInOrg": "admin"}], True),
        ([{"preferred_username": "Org-Tablero", "roleInOrg": "write"}], True),
        ([{"preferred_username": ORG, "roleInOrg": "read"}], False),
        ([{"preferred_username": "otra-org", "roleInOrg": "admin"}], False),
        ("not a list", False),
        (None, False),
    ],
)
def test_organizers_are_members_of_the_org_with_an_admitted_role(orgs, admitted):
    claims = {"preferred_username": "ana"} | ({"orgs": orgs} if orgs is not None else {})
    assert is_organizer(claims, OrganizersConfig(org=ORG, roles=("admin", "write"))) is admitted
    assert not is_organizer(claims, OrganizersConfig(org=None))


@pytest.mark.parametrize(
    "orgs, admitted",
    [
        ([{"sub": "org-1", "preferred_username": "tablero-renombrada", "roleInOrg": "admin"}], True),  # renamed
        ([{"sub": "org-2", "preferred_username": ORG, "roleInOrg": "admin"}], False),  # another took its name
        ([{"preferred_username": ORG, "roleInOrg": "admin"}], True),  # a claim without ids: by handle
    ],
)
def test_the_org_is_matched_by_its_id_where_one_is_known(orgs, admitted):
    claims = {"sub": "user-ana", "preferred_username": "ana", "orgs": orgs}
    assert is_organizer(claims, OrganizersConfig(org=ORG, org_id="org-1")) is admitted  # pinned
    assert is_organizer(claims, OrganizersConfig(org=ORG), org_id="org-1") is admitted  # as the Hub names it


def test_members_are_matched_by_id_and_the_org_by_the_id_the_hub_gives_its_name():
    hub = HubServer().start()
    hub.state.members[ORG] = ["ana-renombrada", "ana"]
    hub.state.ids |= {ORG: "org-1", "ana-renombrada": "user-ana", "ana": "user-zoe"}  # zoe took ana's old name
    membership = Membership(hub.endpoint, None, ORG, recheck=300).start()
    try:
        members = membership.current(wait=10)
        assert members is not None and members.org_id == "org-1"
        assert members.admits("ana", "user-ana")  # signed in before her rename: her id is still a member's
        assert members.admits("ana", "user-zoe")
        assert not members.admits("ana", "user-someone")  # a handle alone, once ids are known, is not enough
        assert members.admits("ANA-renombrada")  # no id at sign-in: by handle, case aside
    finally:
        membership.stop()
        hub.stop()


# --- in the browser -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        url = f"http://127.0.0.1:{server.server_port}"
        member, outsider = demo_ranking()["username"].iloc[3], demo_ranking()["username"].iloc[8]
        people = {
            member: [{"preferred_username": ORG, "roleInOrg": "admin", "name": "Tablero"}],
            outsider: [{"preferred_username": "otra-org", "roleInOrg": "admin"}],
        }
        for name, orgs in people.items():
            claims = {"preferred_username": name, "name": name.title(), "orgs": orgs}
            httpx.put(f"{url}/users/{quote(name)}", json=claims).raise_for_status()
        yield url, member, outsider


@pytest.fixture(scope="module")
def org_hub(provider):
    """The Hub-shaped server, saying who is in the organizers' org now (the member, at first)."""
    server = HubServer().start()
    server.state.members[ORG] = ["someone-else", provider[1]]
    server.state.ids[provider[1]] = provider[1]  # a person's id on the Hub is their sign-in's `sub` (typed here)
    yield server
    server.stop()


def start_app(tmp_path, provider_url: str, hub: HubServer | None = None, recheck: int = 300) -> StreamlitApp:
    port = free_port()
    config = tmp_path / "campaign.toml"
    shipped = DEFAULT_CONFIG.read_text()
    assert "[organizers]" in shipped
    ours = re.sub(r'(\[organizers\][^\[]*?org = )"[^"]*"', rf'\1"{ORG}"\nrecheck_seconds = {recheck}', shipped)
    config.write_text(ours, encoding="utf-8")
    env = {
        "OAUTH_CLIENT_ID": "tablero-test",
        "OAUTH_CLIENT_SECRET": CLIENT_SECRET,
        "OAUTH_SCOPES": "openid profile",
        "OPENID_PROVIDER_URL": provider_url,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "AUTH_COOKIE_SECRET": COOKIE_SECRET,
        "CAMPAIGN_CONFIG": str(config),
        "DATA_DIR": str(tmp_path / "data"),
        "ORGANIZER_TOKEN": "ignored-when-sign-in-decides",
        **({"HF_ENDPOINT": hub.endpoint} if hub is not None else {}),
    }
    return StreamlitApp(env, tmp_path / "streamlit.log", port=port).start()


def sign_in(page, app, who: str) -> None:
    page.goto(f"{app.url}/")
    wait_for_app(page)
    page.get_by_role("button", name="Iniciar sesión con Hugging Face").click()
    page.get_by_placeholder("sub").fill(who)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app.url}/**")
    wait_for_app(page)
    assert f"Sesión iniciada como {who}" in page.inner_text('[data-testid="stSidebar"]')


def tokens(context) -> list[str]:
    """The ID and access tokens the app keeps in its signed cookie (read back for the leak checks)."""
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    raw = cookies["_streamlit_user_tokens"]
    data = json.loads(URLSafeTimedSerializer(COOKIE_SECRET, salt="_streamlit_user_tokens").loads(raw))
    found = [data[k] for k in ("id_token", "access_token") if k in data]
    assert found
    return found


def test_the_whole_flow_own_rank_organizers_and_sign_out(browser, provider, org_hub, tmp_path):
    provider_url, member, _ = provider
    app = start_app(tmp_path, provider_url, org_hub)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, app, member)
        secrets = [CLIENT_SECRET, *tokens(context)]
        page.goto(f"{app.url}/mi-posicion")
        wait_for_app(page)
        rank = int(demo_ranking().set_index("username").loc[member, "rank"])
        assert f"#{rank}" in page.locator('[data-testid="stMetric"]').filter(has_text="Puesto").first.inner_text()
        assert f"user={member}" in page.url
        pages = [page.content()]
        page.goto(f"{app.url}/organizacion")
        wait_for_app(page)
        assert "Señales de calidad" in page.inner_text("body")
        assert page.locator('[data-testid="stTextInput"]').count() == 0  # no passphrase: sign-in decides
        pages.append(page.content())
        page.goto(f"{app.url}/exportar")
        wait_for_app(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Descargar CSV").click()
        csv_text = download.value.path().read_text()
        pages.append(page.content())
        page.get_by_role("button", name="Cerrar sesión").click()
        page.wait_for_url(f"{provider_url}/oauth2/end_session**")  # the provider asks to end its session too
        page.wait_for_load_state("load")
        assert not any(c["name"] == "_streamlit_user" for c in context.cookies())  # the identity cookie is gone
        page.goto(f"{app.url}/organizacion")
        wait_for_app(page)
        assert "inicia sesión con Hugging Face" in page.inner_text("body")
        assert "Señales de calidad" not in page.inner_text("body")
        log = app.log.read_text(errors="replace")
        for secret in secrets:
            assert all(secret not in html for html in pages) and secret not in log and secret not in csv_text
    finally:
        context.close()
        app.stop()


def test_a_person_chooses_not_to_appear_and_only_they_see_themselves(browser, provider, tmp_path):
    provider_url, _, outsider = provider  # a contributor, not an organizer
    app = start_app(tmp_path, provider_url)
    slug = load_config(tmp_path / "campaign.toml").slug
    ranking = f"{app.url}/api/v1/campaigns/{slug}/ranking.csv"
    page = browser.new_page()
    try:
        assert outsider in httpx.get(ranking).text
        sign_in(page, app, outsider)
        page.goto(f"{app.url}/mi-posicion")
        wait_for_app(page)
        page.get_by_text("No aparecer", exact=True).click()
        wait_for_app(page)
        assert "solo tú ves esta página" in page.inner_text("body")
        rank = int(demo_ranking().set_index("username").loc[outsider, "rank"])
        assert f"#{rank}" in page.locator('[data-testid="stMetric"]').filter(has_text="Puesto").first.inner_text()
        assert outsider not in httpx.get(ranking).text  # every public view, at once
        page.get_by_text("Como contribuidor anónimo", exact=True).click()
        wait_for_app(page)
        alias = re.search(r"apareces como (anon·[0-9a-f]{8})", page.inner_text("body")).group(1)
        public = httpx.get(ranking).text
        assert outsider not in public and f"{rank},{alias}," in public
        fresh = browser.new_page()  # someone else, by the shared link
        fresh.goto(f"{app.url}/mi-posicion?user={quote(outsider)}")
        wait_for_app(fresh)
        assert "no aparece en el ranking" in fresh.inner_text("body")
        fresh.close()
    finally:
        app.stop()


def test_a_signed_in_non_member_sees_no_data(browser, provider, tmp_path):
    provider_url, _, outsider = provider
    app = start_app(tmp_path, provider_url)
    page = browser.new_page()
    try:
        sign_in(page, app, outsider)
        page.goto(f"{app.url}/organizacion")
        wait_for_app(page)
        text = page.inner_text("body")
        assert "no tiene acceso" in text and "Señales de calidad" not in text
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
    finally:
        app.stop()


@pytest.mark.fault
def test_a_member_removed_from_the_org_loses_organizacion_although_still_signed_in(
    browser, provider, org_hub, tmp_path
):
    """Roles come from the sign-in (a cookie kept 30 days); membership from the Hub, asked again every
    `[organizers] recheck_seconds`: once the Hub no longer lists them, the page no longer opens."""
    provider_url, member, _ = provider
    app = start_app(tmp_path, provider_url, org_hub, recheck=2)
    page = browser.new_page()
    try:
        sign_in(page, app, member)
        page.goto(f"{app.url}/organizacion")
        wait_for_app(page)
        assert "Señales de calidad" in page.inner_text("body")
        org_hub.state.members[ORG] = ["someone-else"]  # removed from the org on the Hub

        def closed() -> bool:
            page.goto(f"{app.url}/organizacion")
            wait_for_app(page)
            return "ya no figura como miembro" in page.inner_text("body")

        wait_until(closed, timeout=30, what="Organización to close", every=1)
        assert "Señales de calidad" not in page.inner_text("body")
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        assert f"Sesión iniciada como {member}" in page.inner_text('[data-testid="stSidebar"]')  # still signed in
    finally:
        org_hub.state.members[ORG] = ["someone-else", member]
        app.stop()


def test_a_tampered_cookie_is_not_a_session(browser, provider, tmp_path):
    provider_url, member, _ = provider
    app = start_app(tmp_path, provider_url)
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, app, member)
        cookie = next(c for c in context.cookies() if c["name"] == "_streamlit_user")
        payload = json.loads(URLSafeTimedSerializer(COOKIE_SECRET, salt="_streamlit_user").loads(cookie["value"]))
        forged = URLSafeTimedSerializer("not-the-secret", salt="_streamlit_user").dumps(json.dumps(payload))
        context.add_cookies([{**cookie, "value": forged}])
        page.goto(f"{app.url}/organizacion")
        wait_for_app(page)
        text = page.inner_text("body")
        assert "inicia sesión con Hugging Face" in text and "Señales de calidad" not in text
    finally:
        context.close()
        app.stop()


def test_with_the_provider_down_public_pages_work_and_sign_in_says_so(browser, tmp_path):
    app = start_app(tmp_path, f"http://127.0.0.1:{free_port()}")
    page = browser.new_page()
    try:
        for path in ("", "clasificacion", "proyectos"):
            page.goto(f"{app.url}/{path}")
            wait_for_app(page)
            assert page.locator('[data-testid="stException"]').count() == 0
        assert "no está disponible ahora mismo" in page.inner_text('[data-testid="stSidebar"]')
        assert page.get_by_role("button", name="Iniciar sesión con Hugging Face").count() == 0
        assert CLIENT_SECRET not in page.content() and CLIENT_SECRET not in app.log.read_text(errors="replace")
    finally:
        app.stop()


def test_without_sign_in_variables_there_is_no_button(browser, tmp_path):
    app = StreamlitApp({"DATA_DIR": str(tmp_path / "data")}, tmp_path / "plain.log").start()
    page = browser.new_page()
    try:
        page.goto(app.url)
        wait_for_app(page)
        sidebar = page.inner_text('[data-testid="stSidebar"]')
        assert "Hugging Face" not in sidebar and page.locator('[data-testid="stException"]').count() == 0
    finally:
        app.stop()


def test_a_secrets_toml_configures_sign_in_elsewhere(browser, provider, tmp_path):
    """Off a Space: the [auth] section in a secrets.toml (here named by Streamlit's secrets.files)."""
    provider_url, member, _ = provider
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "tablero-local"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {"DATA_DIR": str(tmp_path / "data"), "STREAMLIT_SECRETS_FILES": str(secrets)}
    app = StreamlitApp(env, tmp_path / "local.log", port=port).start()
    page = browser.new_page()
    try:
        sign_in(page, app, member)
    finally:
        app.stop()
