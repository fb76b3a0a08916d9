"""The pages: one package per area, each with its views, URLs, view-only forms, template tags
and templates. Pages parse the request, call services and selectors, and render; they hold no
rule of their own (docs/architecture.md)."""
