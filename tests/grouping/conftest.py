import pytest


@pytest.fixture(scope="session", autouse=True)
def _grouping_kernels_compiled():
    """Compile (or load) the solver's kernels once, so that a page composes inline as it does in a
    served Hiwar, whose `serve` and `worker` warm them up at start."""
    from hiwar.grouping.solver import warm_up

    warm_up()
