"""`docgen report`: a static HTML report of a doc set, an emit stage over the model and
the findings `docgen check` would show (plus, optionally, a run of the generated suite).

`results` reads a pytest JUnit file; `gather` (with `fates`, `findings`, `words`) makes
the `rows` the template is written against; `html` renders them; `command` is the CLI
body.
"""
