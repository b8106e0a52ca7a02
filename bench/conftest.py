"""The test suite's fixtures (the owner, the business…) for bench/typst_scenarios.py."""

from tests.billing.conftest import *  # noqa: F403
from tests.conftest import *  # noqa: F403
