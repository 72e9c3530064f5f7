import pytest
from django.conf import settings
from django.utils import translation

from config.testing import make_enterprise, personas


@pytest.fixture(autouse=True)
def default_language():
    # A request served in an earlier test leaves its language active in the worker's thread: every test
    # starts from the default (Chinese), and a test that reads English messages asks for English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def last_used_on_first_use_only(monkeypatch):
    # A token's "last used" is written on its first use, then once a minute a process (config/api.py): no test
    # should see that minute pass in the middle of its statement counts.
    monkeypatch.setattr("config.api.LAST_USED_EVERY", float("inf"))


@pytest.fixture
def baotou_enterprise(db):
    """In scope for the Baotou league, the Kundulun county and the work group."""
    return make_enterprise(county="150203", name="包头钢铁（集团）有限责任公司", tags=["leading", "key_industry"])


@pytest.fixture
def ordos_enterprise(db):
    """Out of scope for everyone but the region."""
    return make_enterprise(county="150622", name="鄂尔多斯准格尔煤业有限公司", industry="06")


@pytest.fixture
def users(baotou_enterprise):
    return personas(baotou_enterprise)


@pytest.fixture(autouse=True)
def level_three_switches(request, settings):
    """The second factor and the API rate limits are on in production (config/settings.py); tests that are not about
    them sign in with a password alone and call the API freely. Tests marked `two_factor` or `rate_limits` keep them
    on (fugong/security/tests); the browser's log_in helper completes the second factor whenever it is asked."""
    settings.TWO_FACTOR_REQUIRED = request.node.get_closest_marker("two_factor") is not None
    settings.API_RATE_LIMITS = request.node.get_closest_marker("rate_limits") is not None
