"""/dashboard: managers' view of their organisation's cases and deadlines, and a heatmap of each route."""
