"""The statutory content: processes, roles, the working-day calendar, schools, letters.

Importing `workflows` registers the domain with the engine (script functions, deadline rules,
start checks); see `workflows.setup`.
"""
