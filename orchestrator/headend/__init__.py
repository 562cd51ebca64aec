"""Head-end integration: the client that sends controls to head-ends, and their metrics."""
