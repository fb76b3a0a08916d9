"""The demo program generator: a tool, not the domain.

`bridgeway demo-data --seed N` (`management/commands/demo_data.py`) calls `run.run_demo`, which
runs the steps in `run.STEPS` in layer order inside one transaction: `foundation` (places,
people, stays, enrolments, consents, matches), `matching`, `contacts`, `safety`, `outcomes`.
Each step writes either through the domain's services or through a documented bulk path
(docs/dev/demo-data.md says which, what each bulk path guarantees, and why it is allowed).
Nothing in `bridgeway/<app>/` imports this package (tests/demo/test_demo_is_a_tool.py).
"""
