"""Flask: HTTP, templates, auth, the JSON API, and the `intervene` command line."""
