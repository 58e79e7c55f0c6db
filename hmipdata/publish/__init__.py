"""Publishing: build, output formats, releases, history and diff, each written stage-then-swap under one lock."""
