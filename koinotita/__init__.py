"""The `koinotita` command line: the one entry point that assembles bot, console, nlu and core."""
