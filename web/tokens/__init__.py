"""/account/tokens: an officer's personal API tokens."""
