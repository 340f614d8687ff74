"""A click test runner that keeps a command's stderr apart from its stdout on every click CKAN pins."""

from click.testing import CliRunner


def runner_with_separate_stderr(runner_class: type[CliRunner] = CliRunner, **options) -> CliRunner:
    """``result.stdout`` is the command's own output: click 8.1 (CKAN 2.11's) mixes stderr in unless told."""
    try:
        return runner_class(mix_stderr=False, **options)
    except TypeError:  # click 8.2 and later always keep it apart
        return runner_class(**options)
