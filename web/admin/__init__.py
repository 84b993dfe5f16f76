"""Organisation administrators: users and their roles."""
