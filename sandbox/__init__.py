"""The local sandbox: a simulated Discord (sandbox/discord) that the test suite and `python -m app serve`
share, so one implementation of Discord's REST API serves both. Never packaged for Lambda."""
