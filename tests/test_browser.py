"""What a person sees: `streamlit run app.py` driven in headless Debian Chromium via Playwright.

Screenshots of every page (desktop and 390 px) are saved to test-artifacts/screenshots/.
"""

import datetime as dt

import pytest

from components import i18n
from components.navigation import HOME, PAGES
from data.config import load_config
from data.model import aggregate
from data.model.export import ranking_csv
from data.state.demo import load_demo
from data.times import local_day
from tests.app_env import demo_ranking
from tests.streamlit_process import StreamlitApp, grid_rows, wait_for_app, wait_for_drawn

pytestmark = [pytest.mark.browser, pytest.mark.long]
DEMO_USER = demo_ranking()["username"].iloc[3]
PATHS = [
    "" if spec is HOME else spec.url + (f"?user={DEMO_USER}" if spec.url == "mi-posicion" else "") for spec in PAGES
]


@pytest.fixture
def demo_app(tmp_path):
    app = StreamlitApp(
        {"DATA_DIR": str(tmp_path / "data"), "ORGANIZER_TOKEN": "frase-secreta"}, tmp_path / "streamlit.log"
    ).start()
    yield app
    app.stop()


def test_every_page_in_spanish_and_english_with_screenshots(browser, demo_app, artifacts):
    shots = artifacts / "screenshots"
    shots.mkdir(exist_ok=True)
    for width, label in [(1280, "desktop"), (390, "phone")]:
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path in PATHS:
            page.goto(f"{demo_app.url}/{path}")
            wait_for_app(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator("[role=dialog]").count() == 0, path
            assert "demostración" in page.inner_text("body")
            name = path.split("?")[0] or HOME.url
            wait_for_drawn(page)
            page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
        page.close()
    page = browser.new_page()
    page.goto(f"{demo_app.url}/clasificacion?lang=en")
    wait_for_app(page)
    assert "Contribution ranking" in page.inner_text("body")
    page.get_by_text("Español").click()
    wait_for_app(page)
    assert "Ranking de contribuciones" in page.inner_text("body")


def test_the_readme_command_with_a_hub_token_exported_shows_the_demo(browser, tmp_path):
    """Most Hub users have HF_TOKEN (and some HF_ENDPOINT) exported: that configures no campaign,
    so the README's first command shows the demo ranking; Proyectos says its projects are the
    demo's while the org's real ones cannot be read."""
    env = {"DATA_DIR": str(tmp_path / "data"), "HF_TOKEN": "hf_anything", "HF_ENDPOINT": "http://127.0.0.1:9"}
    app = StreamlitApp(env, tmp_path / "streamlit.log").start()
    try:
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(f"{app.url}/top10")
        wait_for_app(page)
        assert "no hay un servidor Argilla configurado" in page.inner_text("body")
        top = demo_ranking().head(10)
        rows = grid_rows(page, page.locator('[data-testid="stDataFrame"]'))
        assert [(name, int(n)) for _, name, n in rows] == list(zip(top["username"], top["validations"]))
        page.goto(f"{app.url}/proyectos")
        wait_for_app(page)
        assert "Proyectos de demostración" in page.inner_text("body")
        assert page.locator('[data-testid="stException"]').count() == 0
        context.close()
    finally:
        app.stop()


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("en-US", "en"), ("en-GB", "en"), ("ca-ES", "ca"), ("gl-ES", "gl"), ("es-MX", "es"), ("de-DE", "es")],
)
def test_a_first_visit_speaks_the_browsers_language_and_a_choice_outlives_a_reload(browser, demo_app, locale, lang):
    """Accept-Language chooses the first time (a language the board does not speak: Spanish), `?lang=`
    and the selector win over it, and a reload keeps what was chosen."""
    title = i18n.t(lang, "Ranking de contribuciones")
    page = browser.new_context(locale=locale).new_page()
    page.goto(f"{demo_app.url}/clasificacion")
    wait_for_app(page)
    assert title in page.inner_text("body")
    assert (f"lang={lang}" in page.url) if lang != "es" else "lang=" not in page.url  # a shared link carries it
    page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=10_000)  # as a screen reader reads it
    other = "en" if lang != "en" else "es"
    page.get_by_text(i18n.LANGUAGES[other], exact=True).click()
    wait_for_app(page)
    page.wait_for_function(f"document.documentElement.lang === '{other}'", timeout=10_000)
    page.reload()
    wait_for_app(page)
    assert i18n.t(other, "Ranking de contribuciones") in page.inner_text("body") and f"lang={other}" in page.url
    page.goto(f"{demo_app.url}/clasificacion?lang={lang}")
    wait_for_app(page)
    assert title in page.inner_text("body")


def test_a_choice_in_a_box_survives_a_switch_of_language_and_is_shown_in_the_new_one(browser, demo_app):
    page = browser.new_page()
    page.goto(f"{demo_app.url}/clasificacion?sort=corrections")
    wait_for_app(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=i18n.t("es", "Ordenar por"))
    assert box.locator("input").first.get_attribute("value") == i18n.t("es", "Correcciones")
    page.get_by_text(i18n.LANGUAGES["gl"], exact=True).click()
    wait_for_app(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=i18n.t("gl", "Ordenar por"))
    assert box.locator("input").first.get_attribute("value") == i18n.t("gl", "Correcciones")
    assert "sort=corrections" in page.url


def test_export_download_is_the_ranking_csv(browser, demo_app):
    """The downloaded bytes are the ranking's CSV: whole, then with a dataset filter applied."""
    config = load_config()
    demo = load_demo()
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{demo_app.url}/exportar")
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar CSV").click()
    # counted until the campaign's end, or the data's time when that is sooner
    ended = dt.datetime.combine(config.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    as_of = min(ended, demo.fetched_at)
    assert download.value.path().read_bytes() == ranking_csv(demo_ranking(), as_of)
    page.get_by_label("Datasets").click()
    page.get_by_role("option", name="ARC-C").click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar CSV").click()
    only_arc = aggregate.contributors(
        demo.responses,
        min_validations=config.min_validations_for_prize,
        exclude_users=config.exclude_users,
        filters=aggregate.Filters(datasets=("arc_c_es",)).within(config.start, config.end),
    )
    assert download.value.suggested_filename.startswith(f"ranking_{config.slug}_arc_c_es")  # names its campaign
    assert download.value.path().read_bytes() == ranking_csv(only_arc, as_of)


def test_look_up_a_user_and_share_the_link(browser, demo_app):
    page = browser.new_page()
    page.goto(f"{demo_app.url}/mi-posicion")
    wait_for_app(page)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.keyboard.type(DEMO_USER)
    page.keyboard.press("Enter")
    page.get_by_text("Tus vecinos en el ranking").wait_for(timeout=30_000)  # the rerun has begun
    wait_for_app(page)
    assert "user=" in page.url
    body = page.inner_text("body")
    assert "Puesto" in body and "Tus vecinos en el ranking" in body


HF_SENTINEL = "hf_browserSentinel0123456789"


@pytest.fixture
def live_app(live_env, tmp_path):
    env = {**live_env, "HF_TOKEN": HF_SENTINEL, "HF_ENDPOINT": "http://127.0.0.1:9"}
    app = StreamlitApp(env, tmp_path / "streamlit-live.log").start()
    yield app
    app.stop()
    log = app.log.read_text(errors="replace")
    assert live_env["ARGILLA_API_KEY"] not in log and HF_SENTINEL not in log


def test_hostile_usernames_render_as_text_not_markup(browser, live_app):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_app.url}/mi-posicion?user=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    page.get_by_text("<img src=x onerror=alert(1)>", exact=False).first.wait_for(timeout=60_000)  # after the first read
    wait_for_app(page)
    assert "<img src=x onerror=alert(1)>" in page.inner_text("body")
    assert page.locator("img[src='x']").count() == 0
    assert not page.evaluate("Array.from(document.scripts).some(s => s.textContent.includes('alert('))")
    page.goto(f"{live_app.url}/mi-posicion?user=" + "x" * 10_000)
    wait_for_app(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1
    page.goto(f"{live_app.url}/clasificacion")
    wait_for_app(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1
    assert not dialogs
    for path in ["", "clasificacion", "exportar", "proyectos", "progreso"]:
        page.goto(f"{live_app.url}/{path}")
        wait_for_app(page)
        html = page.content()
        assert live_app.env["ARGILLA_API_KEY"] not in html and HF_SENTINEL not in html


def test_an_open_page_keeps_one_question_and_one_freshness_line_however_often_it_reruns(browser, live_app):
    """Each run of a page hands its freshness line new data on the same element: the previous
    run's loop and age ticker stop (they went on before: one more question to the server per
    rerun, and the old run's text drawn back over the new one every ten seconds)."""
    page = browser.new_page()
    waiting: set = set()
    page.on("request", lambda r: waiting.add(r) if "/_tablero/changes" in r.url else None)
    page.on("requestfinished", lambda r: waiting.discard(r))
    page.on("requestfailed", lambda r: waiting.discard(r))
    page.goto(f"{live_app.url}/clasificacion")
    page.get_by_label("Buscar usuario").wait_for(timeout=60_000)  # after the first read
    wait_for_app(page)
    for text in ("a", "an", "ana", "an", "a"):  # five reruns, nothing changed upstream
        page.get_by_label("Buscar usuario").fill(text)
        page.keyboard.press("Enter")
        wait_for_app(page)
    page.wait_for_timeout(1500)
    assert len(waiting) == 1, [r.url for r in waiting]
    page.close()


def test_ten_tabs_cause_one_upstream_poll_per_interval(browser, argilla_server, live_campaign, tmp_path):
    import time

    from tests.app_env import write_config
    from tests.servers.counting_proxy import CountingProxy

    plan, _ = live_campaign
    config = write_config(tmp_path / "campaign.toml", plan, refresh=5)
    proxy = CountingProxy(argilla_server.api_url)
    app = StreamlitApp(
        {
            "ARGILLA_API_URL": proxy.url,
            "ARGILLA_API_KEY": argilla_server.api_key,
            "CAMPAIGN_CONFIG": str(config),
            "DATA_DIR": str(tmp_path / "data"),
        },
        tmp_path / "streamlit.log",
    ).start()
    try:
        started = time.monotonic()
        tabs = [browser.new_context().new_page() for _ in range(10)]
        for i, tab in enumerate(tabs):
            tab.goto(f"{app.url}/{PATHS[i % len(PATHS)]}")
        for tab in tabs:
            wait_for_app(tab, timeout=120_000)
        while proxy.polls_since(started) < 4:  # readers keep reloading until the poller has read four times
            assert time.monotonic() - started < 120, "the poller stopped"
            for tab in tabs[:3]:
                tab.reload()
                wait_for_app(tab, timeout=60_000)
        elapsed = time.monotonic() - started
        polls = proxy.polls_since(started)
        assert polls <= elapsed / 5 + 1, (polls, elapsed)  # one per 5-s interval, whatever the tabs do
    finally:
        app.stop()
        proxy.stop()


def test_a_chart_is_taken_away_as_png_and_its_data_as_csv(browser, demo_app):
    """Progreso's contributors-per-day chart: plotly's own "download plot" makes a PNG in the
    browser, and its data button a CSV whose counts are those of the demo's responses."""
    import csv
    import io

    from PIL import Image

    page = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{demo_app.url}/progreso")
    wait_for_drawn(page)
    chart = page.locator(".js-plotly-plot").nth(2)
    chart.scroll_into_view_if_needed()
    chart.hover()
    with page.expect_download() as png:
        chart.get_by_role("button", name="Download plot as a PNG").click()
    assert png.value.suggested_filename == "progress_people.png"
    picture = Image.open(png.value.path())
    assert picture.format == "PNG" and picture.width >= 1000
    with page.expect_download() as data:
        page.get_by_role("button", name="Datos del gráfico (CSV)").nth(2).click()
    assert data.value.suggested_filename == "progress_people.csv"
    rows = list(csv.DictReader(io.StringIO(open(data.value.path(), encoding="utf-8").read())))
    responses = load_demo().responses
    submitted = responses[responses["status"] == "submitted"]
    expected: dict[str, set[str]] = {}
    for user, moment in zip(submitted["user"], submitted["updated_at"]):
        expected.setdefault(moment.strftime("%Y-%m-%dT00:00:00Z"), set()).add(user)
    assert {row["day"]: int(row["contributors"]) for row in rows} == {d: len(u) for d, u in expected.items()}


def html_rows(page) -> list[list[str]]:
    """The ranking's rows as its accessible HTML table has them (the closed section under it)."""
    page.get_by_text("Los datos como tabla (accesible)").first.click()
    table = page.locator('[data-testid="stTable"] table').first
    table.wait_for()
    return [[cell.strip() for cell in row.split("\t")] for row in table.locator("tbody tr").all_inner_texts()]


def test_a_filtered_ranking_link_opened_in_a_new_browser_shows_the_same_rows(browser, demo_app):
    """Filters chosen on the page (a period, a search, a sort) go into the address; that address,
    opened in a browser that never saw the page, shows the same rows: those of the demo's
    responses over the same days, ranked by the same column."""
    first = browser.new_page()
    first.goto(f"{demo_app.url}/clasificacion")
    wait_for_drawn(first)
    first.get_by_text("Este mes", exact=True).click()
    wait_for_app(first)
    first.get_by_label("Buscar usuario").fill("nlp")
    first.keyboard.press("Enter")
    wait_for_app(first)
    first.get_by_label("Ordenar por").click()
    first.get_by_role("option", name="Correcciones", exact=True).click()
    wait_for_drawn(first)
    link = first.url
    assert "period=month" in link and "q=nlp" in link and "sort=corrections" in link
    shown = html_rows(first)

    again = browser.new_page()
    again.goto(link)
    wait_for_drawn(again)
    assert html_rows(again) == shown
    demo = load_demo()
    config = load_config()
    day = local_day(demo.fetched_at, config.time_zone)
    month = aggregate.Filters(start=day.replace(day=1), end=day).within(config.start, config.end, config.time_zone)
    truth = aggregate.contributors(
        demo.responses,
        min_validations=config.min_validations_for_prize,
        exclude_users=config.exclude_users,
        filters=month,
    )
    truth = truth[truth["username"].str.casefold().str.contains("nlp")].sort_values(
        ["corrections", "rank"], ascending=[False, True], kind="mergesort"
    )
    assert [row[1] for row in shown] == truth["username"].tolist()  # rank (with its medal), username, ...
