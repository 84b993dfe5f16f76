"""The officer's inbox: tasks assigned to them and tasks for their roles."""
