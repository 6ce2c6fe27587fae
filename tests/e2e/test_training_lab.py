"""The training lab in a real browser: Play trains, Pause stops, a bad CSV gets a message."""

import re

from tests.e2e.helpers import assert_no_exception, open_view, wait_for_app


def _open_lab(page, app_url: str) -> None:
    # Through the navigation, not a deep link: see the lead's cold-start tests for deep links.
    page.goto(app_url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Training lab").click()
    page.locator('[data-testid="stMetric"]').filter(has_text="Updates").first.wait_for()
    wait_for_app(page)


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_play_trains_and_pause_stops_with_lower_loss(page, app_url, shot_dir):
    _open_lab(page, app_url)
    assert_no_exception(page)
    assert _number(_metric(page, "Updates")) == 0
    start_loss = _number(_metric(page, "Train loss"))

    page.get_by_role("button", name=re.compile("Play")).click()
    page.get_by_role("button", name=re.compile("Pause")).wait_for()
    # While playing, the player draws frame after frame (boundary, network with a thumbnail per
    # neuron, loss) from the chunks the server sends; its counter moves between server reruns.
    player = page.locator(".lab-player")
    player.wait_for()
    page.wait_for_function(
        "() => Number(document.querySelector('.lab-player').getAttribute('data-frames-drawn'))"
        " >= 15",  # more than one chunk of 12 frames: the second chunk arrived and played
        timeout=90_000,  # a loaded machine delays the server's chunks, never the claim
    )
    assert player.locator("canvas").count() == 4
    assert not player.locator("canvas.lab-player-hidden").is_visible()  # 2-8-1: no 2-unit layer
    assert int(player.get_attribute("data-update")) > 0
    page.get_by_role("button", name=re.compile("Pause")).click()
    page.get_by_role("button", name=re.compile("Play")).wait_for()
    wait_for_app(page)

    updates = _number(_metric(page, "Updates"))
    loss = _number(_metric(page, "Train loss"))
    assert updates > 0
    assert loss < start_loss
    # Paused means paused: the counter does not move any more.
    page.wait_for_timeout(1000)
    assert _number(_metric(page, "Updates")) == updates
    assert_no_exception(page)
    # Every chart has a text alternative under it, stating the shown values.
    captions = page.locator('[data-testid="stCaptionContainer"]')
    texts = [captions.nth(i).inner_text() for i in range(captions.count())]
    assert any(t.startswith("Train loss") and f"after {updates:,.0f} updates" in t for t in texts)
    assert sum("after" in t and "updates" in t for t in texts) >= 5
    page.screenshot(path=str(shot_dir / "training_lab_paused.png"))
    # Streamlit scrolls inside the app, so a tall window is how one picture shows every view.
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shot_dir / "training_lab_all_views.png"))


def test_play_animates_the_data_in_a_2_unit_hidden_layer(page, app_url, shot_dir):
    # A shared link with 2 units in the hidden layer: the 2-2-1 network.
    open_view(page, f"{app_url}/lab?lab_units_1=2")
    page.locator('[data-testid="stMetric"]').filter(has_text="Updates").first.wait_for()
    page.get_by_role("button", name=re.compile("Play")).click()
    hidden = page.locator(".lab-player canvas.lab-player-hidden")
    hidden.wait_for(state="visible", timeout=90_000)
    label = hidden.get_attribute("aria-label")
    assert label.startswith("Hidden layer 1: the ") and "training rows" in label
    # The picture and its text change from frame to frame as the network bends the data.
    page.evaluate(
        "() => { const c = document.querySelector('canvas.lab-player-hidden');"
        " window.__firstHidden = [c.toDataURL(), c.getAttribute('aria-label')]; }"
    )
    page.wait_for_function(
        "() => { const c = document.querySelector('canvas.lab-player-hidden');"
        " return c.toDataURL() !== window.__firstHidden[0]"
        " && c.getAttribute('aria-label') !== window.__firstHidden[1]; }",
        timeout=90_000,
    )
    assert_no_exception(page)
    page.set_viewport_size({"width": 1280, "height": 1600})
    hidden.scroll_into_view_if_needed()
    page.screenshot(path=str(shot_dir / "training_lab_hidden_space_playing.png"))
    page.get_by_role("button", name=re.compile("Pause")).click()
    page.get_by_role("button", name=re.compile("Play")).wait_for()


def test_uploading_a_non_numeric_csv_shows_a_message(page, app_url, shot_dir):
    _open_lab(page, app_url)
    page.get_by_role("combobox", name=re.compile("Dataset")).click()
    page.get_by_role("option", name="Upload a CSV file").click()
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    upload.wait_for(state="attached")
    upload.set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"x,y\n1,2\nabc,3\n"}]
    )
    page.get_by_text("is not a number").first.wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    page.screenshot(path=str(shot_dir / "training_lab_bad_csv.png"), full_page=True)


def test_play_runs_to_the_end_and_stops_by_itself(page, app_url, shot_dir):
    _open_lab(page, app_url)
    epochs = page.get_by_role("spinbutton", name="Epochs")
    epochs.fill("3")
    epochs.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name=re.compile("Play")).click()
    page.get_by_text("Finished: 15 updates (3 epochs).").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_role("button", name=re.compile("Play")).is_disabled()
    assert _number(_metric(page, "Updates")) == 15
    assert_no_exception(page)
    page.screenshot(path=str(shot_dir / "training_lab_finished.png"))


def _chart_titles(page) -> list[str]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.gtitle')).map(e => e.textContent)"
    )


def test_clicking_a_neuron_on_the_graph_shows_its_output_plane(page, app_url, shot_dir):
    page.set_viewport_size({"width": 1280, "height": 2400})  # every chart on screen at once
    _open_lab(page, app_url)
    page.wait_for_timeout(500)
    assert "Output of hidden layer 1, unit 1 (tanh)" in _chart_titles(page)
    # The third of the views (the points editor of 'Your own data' comes before them).
    views = page.locator('[data-testid="stPlotlyChart"]').filter(has_not_text="Your data: click")
    graph = views.nth(2)
    # Where Plotly drew the 4th hidden unit (index 3) of the 2-8-1 network: x = 1, y = 3.5 - 3.
    point = graph.evaluate(
        """(element) => {
            const plot = element.querySelector('.js-plotly-plot');
            const xaxis = plot._fullLayout.xaxis, yaxis = plot._fullLayout.yaxis;
            const box = plot.getBoundingClientRect();
            return {x: box.left + xaxis._offset + xaxis.l2p(1),
                    y: box.top + yaxis._offset + yaxis.l2p(0.5)};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    wait_for_app(page)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.gtitle'))"
        ".some(e => e.textContent.includes('hidden layer 1, unit 4'))"
    )
    assert_no_exception(page)
    page.screenshot(path=str(shot_dir / "training_lab_clicked_neuron.png"))
