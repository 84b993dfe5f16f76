"""School pages."""
