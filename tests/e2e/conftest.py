import pytest

from e2e_support import Sandbox, build_driver


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    return build_driver(tmp_path_factory.mktemp("driver"))


@pytest.fixture
def box(driver):
    b = Sandbox(driver)
    yield b
    b.cleanup()
