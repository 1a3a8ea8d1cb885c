"""The test suite, as a package: tests/staff_console is then `tests.staff_console` and never shadows the real
`staff_console` package under pytest's importlib import mode (which made the console's submodules resolve to
whichever checkout the shared environment was installed from)."""
