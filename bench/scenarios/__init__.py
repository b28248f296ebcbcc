"""One module per benchmark scenario."""
